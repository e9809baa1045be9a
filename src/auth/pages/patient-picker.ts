/**
 * The patient picker of a standalone launch with `launch/patient`: a name search (a GET form, so the
 * result is an ordinary page the back button returns to) and a radio list posted to `<base>/patient`.
 */
import type { PatientSummary } from '../authorize-patients.js';
import { html } from './html.js';
import { layout } from './layout.js';

export interface PatientPickerPage {
  base: string;
  requestId: string;
  clientName: string;
  name: string;
  patients: PatientSummary[];
  /** The list was cut at this many: ask the user to narrow the search. */
  limit: number;
  message?: string;
}

function detail(p: PatientSummary): string {
  return [p.birthDate && `born ${p.birthDate}`, p.gender, `id ${p.id}`].filter((s) => s).join(', ');
}

export function patientPickerPage(p: PatientPickerPage): string {
  const rows = p.patients.map(
    (patient, i) => html`<p><input type="radio" id="patient-${i}" name="patient" value="${patient.id}" required${i === 0 ? html` checked` : ''}>
<label for="patient-${i}">${patient.name} <span>(${detail(patient)})</span></label></p>
`,
  );
  return layout(
    'Choose a patient',
    html`<p><strong>${p.clientName}</strong> will open for the patient you choose.</p>
${p.message ? html`<p class="error" role="alert">${p.message}</p>` : ''}
<form method="get" action="${p.base}/continue" role="search">
<input type="hidden" name="request" value="${p.requestId}">
<p><label for="name">Patient name</label><br>
<input type="search" id="name" name="name" value="${p.name}"></p>
<p><button type="submit">Search</button></p>
</form>
${
  p.patients.length === 0
    ? html`<p role="status">No patients match${p.name ? html` “${p.name}”` : ''}.</p>`
    : html`<form method="post" action="${p.base}/patient">
<input type="hidden" name="request" value="${p.requestId}">
<fieldset>
<legend>${p.patients.length >= p.limit ? `The first ${p.limit} matching patients; search by name to narrow the list` : `Matching patients (${p.patients.length})`}</legend>
${rows}</fieldset>
<p><button type="submit">Continue</button></p>
</form>`
}`,
  );
}
