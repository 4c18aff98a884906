/** The engine's version, as packs check it against their supported range. Kept equal to package.json's (a test checks). */
export const ENGINE_VERSION = '0.1.0';
