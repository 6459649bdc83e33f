import { ErrorCode, TransportError } from '@rds-agent/core';

const BARE = /^[A-Za-z0-9._-]+$/;
const SLOT = /^[a-zA-Z0-9-]+$/;

/** C0 controls and DEL: any of them would end or corrupt the command line. */
function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/**
 * Makes a value safe to put after `name=` in a RouterOS command. Values made only of
 * `[A-Za-z0-9._-]` pass bare; anything else is double-quoted with `\` escaped first, then `"` and
 * `$` (an unescaped `$x` is variable substitution). Empty becomes `""` (a bare `name=` mid-line is
 * a syntax error). Control characters (CR, LF, NUL, ...) are refused: they would end the command.
 *
 * @example quoteRouterOsValue('raid10') === 'raid10'
 * @example quoteRouterOsValue('a "b" $c') === '"a \\"b\\" \\$c"'
 */
export function quoteRouterOsValue(value: string): string {
  if (hasControlCharacter(value)) {
    throw new TransportError(ErrorCode.COMMAND, 'refusing a RouterOS value with control characters', { retryable: false });
  }
  if (value === '') return '""';
  if (BARE.test(value)) return value;
  return '"' + value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\$/g, '\\$') + '"';
}

/** Throws unless `slot` is a RouterOS disk slot name (`^[a-zA-Z0-9-]+$`, at most 64 characters). */
export function assertSlotName(slot: string): string {
  if (typeof slot !== 'string' || slot.length > 64 || !SLOT.test(slot)) {
    throw new TransportError(ErrorCode.COMMAND, `invalid slot name ${JSON.stringify(String(slot).slice(0, 64))}: must match ${SLOT.source}`, {
      retryable: false,
    });
  }
  return slot;
}
