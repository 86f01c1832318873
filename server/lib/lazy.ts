/**
 * A module loaded on its first use, once. The renderers pull in large libraries (echarts alone adds some 80 MB of
 * resident memory) that most processes (a job, a script, a server nobody asks for a printout) never need.
 */
export function lazy<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined
  return () => (loading ??= load())
}
