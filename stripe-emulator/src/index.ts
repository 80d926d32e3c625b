export { startStripeEmulator, type StripeEmulator, type StripeEmulatorOptions, type Fault, type FaultMode } from './emulator.js';
export { signPayload, type StripeEvent } from './webhooks.js';
