/** An attachment reporting an element's content width now and on every resize (where ResizeObserver exists). */
import type { Attachment } from 'svelte/attachments';

export function trackWidth(onWidth: (width: number) => void): Attachment<HTMLElement> {
  return (element) => {
    onWidth(element.clientWidth);
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => onWidth(element.clientWidth));
    observer.observe(element);
    return () => observer.disconnect();
  };
}
