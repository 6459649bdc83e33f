import type { Rejections } from './plausibility.js';

/** Longest slot, sensor or interface name kept as a label (RouterOS names are far shorter). */
export const MAX_NAME_LENGTH = 64;
/** Longest free text (version, board, model, serial) kept as an info label. */
export const MAX_TEXT_LENGTH = 128;

/** C0 and C1 controls, DEL, and the Unicode line/paragraph separators: never inside a label. */
function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029) return true;
  }
  return false;
}

/**
 * A slot, sensor or interface name the device printed, fit to be a label value: 1 to 64
 * characters, no control characters, no surrounding white space. Anything else is `undefined`
 * and counted as `invalid-name` (an absent name counts nothing).
 */
export function deviceName(text: string | undefined, rejections: Rejections): string | undefined {
  return checked(text, MAX_NAME_LENGTH, rejections);
}

/** Free text for an info label (version, board, model, serial): as {@link deviceName}, up to 128 characters. */
export function deviceText(text: string | undefined, rejections: Rejections): string | undefined {
  return checked(text, MAX_TEXT_LENGTH, rejections);
}

function checked(text: string | undefined, max: number, rejections: Rejections): string | undefined {
  if (text === undefined) return undefined;
  const t = text.length <= max + 16 ? text.trim() : text;
  if (t === '') return undefined;
  if (t.length > max || hasControl(t)) {
    rejections.add('invalid-name');
    return undefined;
  }
  return t;
}
