/**
 * Official examples that break a rule of the R4 specification itself, so Qiao rightly rejects them.
 * Each entry names the rule (as it appears in the validator's diagnostics) and why the example breaks it.
 */
export const GENUINELY_INVALID: Record<string, { rule: string; reason: string }> = {};
