export { default } from '../web-shared/build/codegen.js';
