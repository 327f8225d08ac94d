/**
 * Single-key shortcuts of a view (Space plays, N/P/M step through test clips): a key counts only when
 * no modifier is held and focus is not in something that takes keys itself (a field, a button).
 */
export function isFormControl(target: EventTarget | null): boolean {
  return target instanceof Element && target.closest('input, textarea, select, button, [contenteditable="true"]') !== null;
}

/** The shortcut key `event` stands for (lower-cased), or null when it should be left alone. */
export function shortcutKey(event: KeyboardEvent): string | null {
  if (event.repeat || event.altKey || event.ctrlKey || event.metaKey || event.defaultPrevented) return null;
  if (isFormControl(event.target)) return null;
  return event.key.length === 1 ? event.key.toLowerCase() : event.key;
}
