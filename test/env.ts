// Imported first by test/helpers.ts: modules read some settings (the log level) when they load.
process.env.ARENA_LOG_LEVEL ??= "silent";
