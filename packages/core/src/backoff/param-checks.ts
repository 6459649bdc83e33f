import type { ConfigIssue } from '../errors/agent-error.js';

/**
 * Small cross-field checks shared by the built-in strategies' `validate`. They guard against
 * values convict formats let through when a definition is used without the agent's loader.
 */
export function checkAtLeast(issues: ConfigIssue[], key: string, value: unknown, min: number, what = `a number >= ${min}`): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    issues.push({ key, message: `must be ${what}: value was ${JSON.stringify(value)}` });
  }
}

export function checkRatio(issues: ConfigIssue[], key: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    issues.push({ key, message: `must be a ratio in [0, 1]: value was ${JSON.stringify(value)}` });
  }
}

export function checkNotBelow(issues: ConfigIssue[], key: string, value: unknown, otherKey: string, other: unknown): void {
  if (typeof value === 'number' && typeof other === 'number' && value < other) {
    issues.push({ key, message: `must be >= ${otherKey} (${other}): value was ${value}` });
  }
}
