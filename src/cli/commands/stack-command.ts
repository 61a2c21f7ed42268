import { loadStackConfig } from '../../config/stack-config.js';
import { stackDown, stackReset, stackStatus, stackUp } from '../../stack/stack.js';
import { printLine } from '../output.js';
import { STACK_USAGE } from '../usage.js';

export async function stackCommand(args: readonly string[], env: Readonly<Record<string, string | undefined>>): Promise<number> {
  const config = loadStackConfig(env);
  switch (args[0]) {
    case 'up':
      await stackUp(config, printLine);
      return 0;
    case 'down':
      await stackDown(config, printLine);
      return 0;
    case 'reset':
      await stackReset(config, printLine);
      return 0;
    case 'status':
      return (await stackStatus(config, printLine)) ? 0 : 1;
    default:
      printLine(STACK_USAGE);
      return 2;
  }
}
