/**
 * A value the API knows, from text that may hold anything (a URL's query string, a select's value):
 * the value when it is one of `labels`' keys, otherwise undefined. `labels` is typed on the
 * generated client's union, so a value the API adds or drops fails the build where it is listed.
 */
export function oneOf<Value extends string>(
  labels: Record<Value, string>,
  text: string | null | undefined,
): Value | undefined {
  return text && Object.hasOwn(labels, text) ? (text as Value) : undefined;
}

/** `labels` as the [value, label] pairs of a select's options, in their order. */
export const choicesOf = <Value extends string>(labels: Record<Value, string>) =>
  Object.entries(labels) as [Value, string][];
