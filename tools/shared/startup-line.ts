/** The line every flowthrough command prints on stderr at start (src/app/cli/main.ts): which broker and database; not an error. */
export const STARTUP_LINE = /^flowthrough [\w-]+: Kafka \S+, PostgreSQL \S+$/;
