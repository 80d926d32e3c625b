// Campaign application forms: what a field may be, and whether an answer fits it. The server
// decides with these; the portal checks the same way before sending.
export { checkAnswer, MAX_ANSWER_LENGTH, MAX_ANSWERS_LENGTH } from './answers.js';
export { intakeFieldsSchema } from './fields.js';
export { type AnswerRules, type IntakeField, IntakeFieldType, MAX_FORM_LENGTH, MAX_INTAKE_FIELDS } from './types.js';
