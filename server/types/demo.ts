// Types the server's settings share with the demo generator (data/district), kept on the server's
// ground floor so that the settings need not import the generator.

/**
 * 'clean': the departments' grids share the exact community edges (jittered a little); 'real': as
 * departments' files really are (data/district/hand-drawn.ts), the demo's default at start.
 */
export type DemoRealism = 'clean' | 'real'
