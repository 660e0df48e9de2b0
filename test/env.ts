// Loaded before every suite (.mocharc.json): test output stays readable; set ARENA_LOG_LEVEL to see logs.
process.env.ARENA_LOG_LEVEL ??= "silent";
