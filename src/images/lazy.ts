/** A value computed on first read and then kept: the page-of-500 probe runs only when selected. */
export type Lazy<T> = () => Promise<T>;

export function lazy<T>(compute: () => Promise<T>): Lazy<T> {
  let result: Promise<T> | undefined;
  return () => (result ??= compute());
}
