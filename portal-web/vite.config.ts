import { spaConfig } from '../web-shared/build/vite.js';

export default spaConfig({ base: '/portal/', devPort: 5174 });
