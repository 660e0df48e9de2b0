// Loaded before every suite (.mocharc.cjs) and by test/helpers.ts: modules read some settings
// (the log level) when they load. Set ARENA_LOG_LEVEL to see logs.
process.env.ARENA_LOG_LEVEL ??= "silent";
