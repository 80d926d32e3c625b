import { spaConfig } from '../web-shared/build/vite.js';

export default spaConfig({ base: '/admin/', devPort: 5173 });
