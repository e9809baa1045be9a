/**
 * The SMART style document (scopes-and-launch-context.html#styling, capability `context-style`): colours,
 * fonts and spacing an embedded app may follow to blend in with the EHR. EHR launches name its URL as
 * `smart_style_url`; a hospital that wants its own look serves another document and points launches at it.
 */
export const SMART_STYLE_PATH = '/smart-style.json';

export const SMART_STYLE = {
  color_background: '#ffffff',
  color_error: '#b3261e',
  color_highlight: '#1f6feb',
  color_modal_backdrop: 'rgba(0, 0, 0, 0.4)',
  color_success: '#1a7f37',
  color_text: '#1f2328',
  dim_border_radius: '6px',
  dim_font_size: '16px',
  dim_spacing_size: '16px',
  font_family_body: 'system-ui, -apple-system, "Segoe UI", "Noto Sans", "PingFang SC", "Microsoft YaHei", sans-serif',
  font_family_heading: 'system-ui, -apple-system, "Segoe UI", "Noto Sans", "PingFang SC", "Microsoft YaHei", sans-serif',
} as const;
