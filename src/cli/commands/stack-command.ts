import { loadStackConfig } from '../../config/stack-config.js';
import { stackDown, stackStatus, stackUp } from '../../stack/stack.js';
import { printLine } from '../output.js';

export async function stackCommand(args: readonly string[], env: Readonly<Record<string, string | undefined>>): Promise<number> {
  const config = loadStackConfig(env);
  switch (args[0]) {
    case 'up':
      await stackUp(config, printLine);
      return 0;
    case 'down':
      await stackDown(config, printLine);
      return 0;
    case 'status':
      return (await stackStatus(config, printLine)) ? 0 : 1;
    default:
      printLine('usage: flowthrough stack up|down|status');
      return 2;
  }
}
