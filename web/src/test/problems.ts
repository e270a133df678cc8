/**
 * The problem a form shows beside `field`: the text of the `.field-error` its aria-describedby
 * names, when the field is marked invalid. Undefined for a field the form finds fine, so a message
 * that is shown but not tied to its field does not count.
 */
export function problemOf(field: HTMLElement): string | undefined {
  if (field.getAttribute('aria-invalid') !== 'true') return undefined;
  return (
    (field.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .map((id) => document.getElementById(id))
      .find((element) => element?.classList.contains('field-error'))?.textContent ?? undefined
  );
}
