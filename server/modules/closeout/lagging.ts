// Lagging (进展缓慢) is defined once, with the other derived facts, in items/facts.ts; re-exported for old imports.
export { earliestLaggingPeriod, isLagging, laggingWindow, type LaggingWindow } from '../items/facts.ts'
