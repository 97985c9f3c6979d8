import fc from 'fast-check';

// Each mutant reruns the tests that cover it: 25 generated cases per property (instead of 100)
// keep a run in minutes on a shared machine. A property's explicit `numRuns` still wins.
fc.configureGlobal({ numRuns: 25 });
