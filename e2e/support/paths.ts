import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const serverEntry = fileURLToPath(new URL('../../server/dist/main.js', import.meta.url));
export const stripeEmulatorDist = fileURLToPath(new URL('../../stripe-emulator/dist/', import.meta.url));
export const adminDist = fileURLToPath(new URL('../../admin-web/dist/index.html', import.meta.url));
export const portalDist = fileURLToPath(new URL('../../portal-web/dist/index.html', import.meta.url));
export const artifactsDir = fileURLToPath(new URL('../artifacts/', import.meta.url));
