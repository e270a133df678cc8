/**
 * Word lists and per-category specs for the deterministic seed catalog (see catalog-data.ts).
 * Everything here is generic: no real brand names, product lines or trademarks.
 * Copy is US English because prices are in USD.
 */

export type Gender = 'men' | 'women' | 'kids' | 'unisex';

/** How a leaf category is sized (the actual size list also depends on the gender). */
export type Sizing = 'top' | 'bra' | 'letter-bottom' | 'waist-bottom' | 'socks' | 'one-size';

/** Silhouettes drawn by renderProductSvg. */
export type Shape =
  | 'tee'
  | 'tank'
  | 'longsleeve'
  | 'hoodie'
  | 'jacket'
  | 'vest'
  | 'bra'
  | 'shorts'
  | 'pants'
  | 'tights'
  | 'sock'
  | 'cap'
  | 'backpack'
  | 'duffel'
  | 'headband';

export interface PaletteColor {
  name: string;
  hex: string;
  /** Three-letter code used in SKUs; unique across the palette. */
  code: string;
  /** Safe default for the first colour of a product. */
  neutral: boolean;
}

export const PALETTE: PaletteColor[] = [
  { name: 'Black', hex: '#16171a', code: 'BLK', neutral: true },
  { name: 'White', hex: '#f7f7f4', code: 'WHT', neutral: true },
  { name: 'Grey Heather', hex: '#a3a6ab', code: 'GRH', neutral: true },
  { name: 'Charcoal', hex: '#3b3e44', code: 'CHR', neutral: true },
  { name: 'Navy', hex: '#1f2a48', code: 'NVY', neutral: true },
  { name: 'Sand', hex: '#d9c9a8', code: 'SND', neutral: true },
  { name: 'Olive', hex: '#6b6f3f', code: 'OLV', neutral: false },
  { name: 'Volt Green', hex: '#c9f03a', code: 'VLT', neutral: false },
  { name: 'Crimson', hex: '#c1192f', code: 'CRM', neutral: false },
  { name: 'Royal Blue', hex: '#2a4fc4', code: 'RYL', neutral: false },
  { name: 'Sky Blue', hex: '#8ec5eb', code: 'SKY', neutral: false },
  { name: 'Teal', hex: '#1d8585', code: 'TEL', neutral: false },
  { name: 'Forest Green', hex: '#2e5a3c', code: 'FST', neutral: false },
  { name: 'Burgundy', hex: '#6c1f30', code: 'BRG', neutral: false },
  { name: 'Coral', hex: '#f26b5b', code: 'CRL', neutral: false },
  { name: 'Orange', hex: '#f47a1f', code: 'ORG', neutral: false },
  { name: 'Pink', hex: '#f3a5c0', code: 'PNK', neutral: false },
  { name: 'Lavender', hex: '#b7a5e0', code: 'LAV', neutral: false },
];

/** First word of a product name: model-line style, deliberately generic. */
export const MODEL_WORDS: string[] = [
  'Pace',
  'Dash',
  'Cadence',
  'Vector',
  'Drift',
  'Ridge',
  'Pulse',
  'Rally',
  'Sprint',
  'Trail',
  'Metro',
  'Everyday',
  'Core',
  'Pivot',
  'Horizon',
  'Coast',
  'Nova',
  'Arc',
  'Glide',
  'Flux',
  'Circuit',
  'Kinetic',
  'Uplift',
  'Haven',
  'Northline',
  'Field',
  'Harbor',
  'Transit',
  'Interval',
  'Split',
  'Summit',
  'Tidal',
  'Granite',
  'Lumen',
  'Ember',
  'Crest',
  'Solstice',
  'Meridian',
  'Canyon',
  'Alpine',
  'Fastline',
  'Basecamp',
  'Lakeshore',
  'Daybreak',
  'Momentum',
  'Relay',
  'Switchback',
];

export interface Fabric {
  /** Lower-case phrase used inside sentences. */
  fabric: string;
  /** Stand-alone sentences about the material (no pronoun for the product). */
  notes: string[];
}

/** Keyed by the fabric/tech word that appears in the product name. */
export const FABRICS: Record<string, Fabric> = {
  Lite: {
    fabric: 'featherweight recycled polyester knit',
    notes: [
      'Sweat-wicking yarns move moisture off your skin and dry fast between efforts.',
      'The barely-there fabric disappears once you settle into your rhythm.',
    ],
  },
  Breeze: {
    fabric: 'open-hole mesh knit',
    notes: [
      'Ventilated mesh zones dump heat exactly where you run hottest.',
      'Air moves straight through the open knit, so nothing feels clammy.',
    ],
  },
  'Quick-Dry': {
    fabric: 'quick-drying polyester-elastane jersey',
    notes: [
      'The fabric spreads sweat across its surface so it evaporates in minutes.',
      'The smooth knit sheds moisture quickly and keeps its shape wash after wash.',
    ],
  },
  Aero: {
    fabric: 'ultralight woven ripstop',
    notes: [
      'The crisp woven fabric cuts the wind yet still breathes.',
      'The featherweight fabric packs down small and dries almost as soon as you stop.',
    ],
  },
  Stretch: {
    fabric: 'four-way stretch woven fabric',
    notes: [
      'Mechanical stretch moves with you through lunges, strides and squats.',
      'The fabric snaps back into shape instead of bagging out mid-session.',
    ],
  },
  Seamless: {
    fabric: 'seamless circular knit',
    notes: [
      'Knit-in zones add ventilation and support without a single chafing seam.',
      'Body-mapped texture breathes where you heat up and holds where you need it.',
    ],
  },
  Merino: {
    fabric: 'soft merino wool blend',
    notes: [
      'Merino wool regulates temperature naturally and resists odor over multi-day use.',
      'The fine wool stays warm when damp and never feels itchy against the skin.',
    ],
  },
  Fleece: {
    fabric: 'brushed-back cotton-blend fleece',
    notes: [
      'The brushed interior traps warmth and feels soft from the first wear.',
      'A touch of polyester helps the fleece hold its color and shape through countless washes.',
    ],
  },
  Terry: {
    fabric: 'midweight French terry',
    notes: [
      'Looped terry on the inside absorbs moisture while the smooth face stays clean and structured.',
      'The midweight knit is warm enough for cool mornings yet breathable enough to layer.',
    ],
  },
  Heavyweight: {
    fabric: 'heavyweight combed cotton jersey',
    notes: [
      'The dense knit drapes well and gets softer with every wash.',
      'Pre-shrunk cotton keeps the fit true long after the first season.',
    ],
  },
  Organic: {
    fabric: 'organic cotton jersey',
    notes: [
      'The cotton is grown without synthetic pesticides and feels naturally soft.',
      'The breathable jersey is easy to wear from morning coffee to an evening walk.',
    ],
  },
  Slub: {
    fabric: 'textured slub cotton',
    notes: [
      'Irregular slub yarns give the fabric a lived-in look and an airy feel.',
      'The lightweight texture breathes well on warm days.',
    ],
  },
  Thermal: {
    fabric: 'grid-back thermal fleece',
    notes: [
      'A grid of fleece channels holds heat while letting excess warmth escape.',
      'The thermal knit is made for near-freezing mornings.',
    ],
  },
  Shell: {
    fabric: 'windproof ripstop shell',
    notes: [
      'A durable water-repellent finish sheds light showers and road spray.',
      'The ripstop weave resists snags on trails and commutes alike.',
    ],
  },
  Storm: {
    fabric: 'waterproof, breathable 2.5-layer shell',
    notes: [
      'Fully taped seams keep steady rain out while the membrane lets steam escape.',
      'A 10,000 mm waterproof rating handles hours of wet weather.',
    ],
  },
  Loft: {
    fabric: 'recycled synthetic insulation',
    notes: [
      'Synthetic fill stays warm even when damp, unlike down.',
      'Baffled quilting keeps the insulation evenly spread so cold spots never form.',
    ],
  },
  Softshell: {
    fabric: 'water-resistant softshell',
    notes: [
      'A brushed backer adds warmth while the tightly woven face blocks wind.',
      'Built-in stretch lets you move freely without the rustle of a hardshell.',
    ],
  },
  Sculpt: {
    fabric: 'smoothing compression knit',
    notes: [
      'Firm, squat-proof compression holds everything in place through every rep.',
      'The opaque, buttery-soft knit supports muscles and smooths lines.',
    ],
  },
  Cushioned: {
    fabric: 'cushioned cotton-blend terry',
    notes: [
      'Targeted cushioning under the heel and forefoot softens every landing.',
      'A supportive arch band keeps the fit locked in all day.',
    ],
  },
  Ripstop: {
    fabric: 'water-resistant recycled ripstop nylon',
    notes: [
      'The coated ripstop shrugs off rain and resists tears under heavy loads.',
      'The lightweight nylon keeps its structure even when fully packed.',
    ],
  },
  Canvas: {
    fabric: 'durable cotton canvas',
    notes: [
      'The sturdy canvas softens and develops character over years of use.',
      'A water-resistant finish protects your gear from light rain.',
    ],
  },
  Twill: {
    fabric: 'washed cotton twill',
    notes: [
      'The pre-washed twill feels broken-in from day one.',
      'The soft cotton weave breathes well on warm afternoons.',
    ],
  },
};

/** Optional closing sentences for kids' products. */
export const KIDS_DETAILS: string[] = [
  'Cut with a little extra room to grow into.',
  'Reinforced stitching stands up to playground wear and frequent washing.',
  'Easy-care fabric goes straight from practice into the washing machine.',
  'Bright reflective details help young athletes stay visible after school.',
];

export interface TopCategorySpec {
  slug: string;
  name: string;
  shape: Shape;
}

export const TOP_CATEGORIES: TopCategorySpec[] = [
  { slug: 'running', name: 'Running', shape: 'tee' },
  { slug: 'training', name: 'Training', shape: 'tee' },
  { slug: 'lifestyle', name: 'Lifestyle', shape: 'tee' },
  { slug: 'outerwear', name: 'Outerwear', shape: 'jacket' },
  { slug: 'accessories', name: 'Accessories', shape: 'backpack' },
];

export interface NounSpec {
  text: string;
  /** Restrict the garment to these genders (default: all of the leaf's genders). */
  genders?: Gender[];
}

export interface LeafSpec {
  slug: string;
  name: string;
  parent: string;
  /** Rotated through as products are assigned to this leaf. */
  genders: Gender[];
  nouns: NounSpec[];
  /** Keys of FABRICS that make sense for this garment. */
  fabrics: string[];
  /** Adult list-price range in whole US dollars. */
  price: [number, number];
  sizing: Sizing;
  shape: Shape;
  /** Opening sentences; `{noun}` = lower-case garment, `{fabric}` = fabric phrase. */
  openers: string[];
  details: string[];
}

const APPAREL: Gender[] = ['men', 'women', 'kids'];

export const LEAF_CATEGORIES: LeafSpec[] = [
  {
    slug: 'running-tops',
    name: 'Running Tops',
    parent: 'running',
    genders: APPAREL,
    nouns: [
      { text: 'Running Tee' },
      { text: 'Running Tank' },
      { text: 'Long-Sleeve Running Top' },
      { text: 'Half-Zip Running Top', genders: ['men', 'women'] },
      { text: 'Running Singlet', genders: ['men', 'women'] },
    ],
    fabrics: ['Lite', 'Breeze', 'Quick-Dry', 'Merino', 'Seamless'],
    price: [28, 55],
    sizing: 'top',
    shape: 'tee',
    openers: [
      'Made from {fabric}, this {noun} is cut for easy miles and hard intervals alike.',
      'A daily-run staple, the {noun} pairs {fabric} with a relaxed fit that never clings.',
      'Built for warm-weather training, this {noun} uses {fabric} to keep you cool from the first stride.',
      'From track sessions to long Sunday routes, the {noun} in {fabric} keeps things simple and comfortable.',
    ],
    details: [
      'Reflective hits on the back add visibility on early-morning loops.',
      'Flatlock seams and a tagless neck help prevent chafing over long distances.',
      'A slightly dropped back hem adds coverage when you lean into a climb.',
      'An anti-odor finish keeps it fresh through back-to-back sessions.',
    ],
  },
  {
    slug: 'running-shorts',
    name: 'Running Shorts',
    parent: 'running',
    genders: APPAREL,
    nouns: [
      { text: 'Running Shorts' },
      { text: '2-in-1 Running Shorts' },
      { text: 'Split Shorts', genders: ['men', 'women'] },
      { text: 'Trail Shorts' },
      { text: 'Lined Running Shorts' },
    ],
    fabrics: ['Lite', 'Aero', 'Stretch', 'Quick-Dry'],
    price: [30, 55],
    sizing: 'letter-bottom',
    shape: 'shorts',
    openers: [
      'Made from {fabric}, these {noun} give your legs full range of motion at any pace.',
      'Light on the legs and quick to dry, the {noun} use {fabric} for race-day speed and everyday mileage.',
      'The {noun} combine {fabric} with a soft, wide waistband that stays put when you pick up the pace.',
    ],
    details: [
      'A zippered back pocket holds a key or an energy gel securely.',
      'A breathable built-in liner adds support without extra bulk.',
      'Side splits open up your stride, and reflective details help you stay seen at dusk.',
      'An internal drawcord lets you dial in the fit before the start.',
    ],
  },
  {
    slug: 'running-tights',
    name: 'Running Tights',
    parent: 'running',
    genders: APPAREL,
    nouns: [
      { text: 'Running Tights' },
      { text: '7/8 Running Tights', genders: ['women', 'kids'] },
      { text: 'Half Tights', genders: ['men', 'women'] },
      { text: 'Pocket Tights' },
      { text: 'Winter Running Tights' },
    ],
    fabrics: ['Sculpt', 'Stretch', 'Thermal', 'Quick-Dry'],
    price: [55, 98],
    sizing: 'letter-bottom',
    shape: 'tights',
    openers: [
      'Cut from {fabric}, these {noun} support your legs without restricting your stride.',
      'The {noun} wrap you in {fabric} for cold mornings, long runs and everything in between.',
      'Sleek and supportive, the {noun} are made from {fabric} with a high, no-dig waistband.',
    ],
    details: [
      'Drop-in side pockets hold a phone without bounce.',
      'Zippered ankles make them easy to pull on and off over shoes.',
      'Reflective details at the calf catch headlights on after-dark runs.',
      'A gusseted crotch and flatlock seams keep them comfortable mile after mile.',
    ],
  },
  {
    slug: 'training-tops',
    name: 'Training Tops',
    parent: 'training',
    genders: APPAREL,
    nouns: [
      { text: 'Training Tee' },
      { text: 'Training Tank' },
      { text: 'Muscle Tank', genders: ['men'] },
      { text: 'Crop Top', genders: ['women'] },
      { text: 'Long-Sleeve Training Top' },
    ],
    fabrics: ['Quick-Dry', 'Breeze', 'Seamless', 'Stretch'],
    price: [25, 45],
    sizing: 'top',
    shape: 'tee',
    openers: [
      'Made for the gym floor, this {noun} in {fabric} moves with you through every lift and sprint.',
      'The {noun} uses {fabric} to keep you dry and focused from warm-up to cool-down.',
      'Whether it is circuits, lifting or a spin class, this {noun} in {fabric} is ready for the work.',
    ],
    details: [
      'Raglan sleeves free up your shoulders for overhead movements.',
      'A slightly longer back stays tucked during burpees and deadlifts.',
      'Mesh panels under the arms vent heat during high-intensity sets.',
      'The athletic fit follows your body without feeling restrictive.',
    ],
  },
  {
    slug: 'training-bottoms',
    name: 'Training Bottoms',
    parent: 'training',
    genders: APPAREL,
    nouns: [
      { text: 'Training Shorts' },
      { text: 'Training Pants' },
      { text: 'Leggings', genders: ['women', 'kids'] },
      { text: 'Bike Shorts', genders: ['women', 'kids'] },
      { text: 'Compression Shorts', genders: ['men'] },
    ],
    fabrics: ['Stretch', 'Quick-Dry', 'Sculpt', 'Aero'],
    price: [35, 70],
    sizing: 'letter-bottom',
    shape: 'shorts',
    openers: [
      'Built for squats, lunges and sled pushes, these {noun} use {fabric} that moves the way you do.',
      'The {noun} pair {fabric} with a secure, comfortable waistband for hard sessions.',
      'Made from {fabric}, these {noun} handle everything from heavy lifts to mobility work.',
    ],
    details: [
      'Zippered pockets keep your locker key safe between sets.',
      'A gusseted crotch gives you full range of motion in deep squats.',
      'The opaque fabric passes the squat test with room to spare.',
      'A streamlined fit keeps fabric out of the way on box jumps and rowers.',
    ],
  },
  {
    slug: 'sports-bras',
    name: 'Sports Bras',
    parent: 'training',
    genders: ['women'],
    nouns: [
      { text: 'Sports Bra' },
      { text: 'High-Support Sports Bra' },
      { text: 'Medium-Support Sports Bra' },
      { text: 'Racerback Sports Bra' },
      { text: 'Longline Sports Bra' },
      { text: 'Zip-Front Sports Bra' },
    ],
    fabrics: ['Sculpt', 'Seamless', 'Quick-Dry', 'Breeze'],
    price: [30, 65],
    sizing: 'bra',
    shape: 'bra',
    openers: [
      'The {noun} is made from {fabric} for confident support through every rep and stride.',
      'Designed for high-energy sessions, this {noun} combines {fabric} with a wide, stay-put underband.',
      'Comfortable enough for all-day wear, this {noun} in {fabric} keeps you supported from class to commute.',
    ],
    details: [
      'Removable pads let you choose your coverage.',
      'Adjustable straps and a hook-and-eye back fine-tune the fit.',
      'A racerback design frees your shoulders for full range of motion.',
      'Bonded edges lie flat under layers with no digging or chafing.',
    ],
  },
  {
    slug: 't-shirts',
    name: 'T-Shirts',
    parent: 'lifestyle',
    genders: APPAREL,
    nouns: [
      { text: 'Tee' },
      { text: 'Crew Tee' },
      { text: 'Pocket Tee' },
      { text: 'Long-Sleeve Tee' },
      { text: 'Oversized Tee', genders: ['men', 'women'] },
      { text: 'Boxy Tee', genders: ['women'] },
    ],
    fabrics: ['Heavyweight', 'Organic', 'Slub', 'Merino'],
    price: [25, 45],
    sizing: 'top',
    shape: 'tee',
    openers: [
      'The {noun} is an everyday essential made from {fabric}.',
      'Cut from {fabric}, this {noun} has a clean, easy shape that works on its own or under a layer.',
      'Your new weekend favorite: the {noun} in {fabric}, built to wear on repeat.',
    ],
    details: [
      'A ribbed crew neck holds its shape wash after wash.',
      'Dropped shoulders give it a relaxed, modern drape.',
      'Double-needle hems add durability where tees usually wear out first.',
      'A garment-dyed finish gives every piece a slightly unique, lived-in tone.',
    ],
  },
  {
    slug: 'hoodies',
    name: 'Hoodies & Sweatshirts',
    parent: 'lifestyle',
    genders: APPAREL,
    nouns: [
      { text: 'Hoodie' },
      { text: 'Pullover Hoodie' },
      { text: 'Full-Zip Hoodie' },
      { text: 'Half-Zip Hoodie', genders: ['men', 'women'] },
      { text: 'Oversized Hoodie', genders: ['men', 'women'] },
    ],
    fabrics: ['Fleece', 'Terry', 'Thermal'],
    price: [55, 90],
    sizing: 'top',
    shape: 'hoodie',
    openers: [
      'The {noun} is made from {fabric} for cozy layering on cool days.',
      'Made for post-workout warmth and lazy Sundays, this {noun} uses {fabric} that only gets better with age.',
      'Our take on a classic, the {noun} pairs {fabric} with a roomy, relaxed fit.',
    ],
    details: [
      'A double-layer hood and adjustable drawcords block the chill.',
      'A kangaroo pocket keeps your hands warm and your phone close.',
      'Ribbed cuffs and hem seal in warmth without feeling tight.',
      'Raglan sleeves give plenty of room to move.',
    ],
  },
  {
    slug: 'sweatpants',
    name: 'Sweatpants',
    parent: 'lifestyle',
    genders: APPAREL,
    nouns: [
      { text: 'Sweatpants' },
      { text: 'Open-Hem Sweatpants' },
      { text: 'Straight-Leg Sweatpants' },
      { text: 'Wide-Leg Sweatpants', genders: ['women'] },
    ],
    fabrics: ['Fleece', 'Terry'],
    price: [50, 85],
    sizing: 'waist-bottom',
    shape: 'pants',
    openers: [
      'The {noun} are made from {fabric} for easy comfort at home and on the go.',
      'Soft, warm and built for lounging, these {noun} use {fabric} with a relaxed fit through the leg.',
      'Cut from {fabric}, these {noun} are the pair you will reach for every weekend.',
    ],
    details: [
      'An elastic waistband with an internal drawcord keeps the fit dialed in.',
      'Deep side pockets and a back patch pocket hold the essentials.',
      'A gusseted crotch adds comfort whether you are stretching or sprawled on the couch.',
    ],
  },
  {
    slug: 'joggers',
    name: 'Joggers',
    parent: 'lifestyle',
    genders: APPAREL,
    nouns: [
      { text: 'Joggers' },
      { text: 'Cargo Joggers' },
      { text: 'Tapered Joggers' },
      { text: 'Track Pants' },
    ],
    fabrics: ['Fleece', 'Terry', 'Stretch', 'Aero'],
    price: [55, 90],
    sizing: 'waist-bottom',
    shape: 'pants',
    openers: [
      'The {noun} combine {fabric} with a tapered leg for a clean, athletic look.',
      'Made from {fabric}, these {noun} go from warm-up to weekend without missing a beat.',
      'These {noun} pair {fabric} with a modern cut that looks sharp with sneakers.',
    ],
    details: [
      'Ribbed cuffs keep the hems neatly stacked above your shoes.',
      'Zippered side pockets keep your keys and phone secure.',
      'An elastic waistband with a flat drawcord sits comfortably under a jacket.',
    ],
  },
  {
    slug: 'jackets',
    name: 'Jackets',
    parent: 'outerwear',
    genders: APPAREL,
    nouns: [
      { text: 'Jacket' },
      { text: 'Packable Jacket' },
      { text: 'Track Jacket' },
      { text: 'Windbreaker' },
      { text: 'Puffer Jacket' },
      { text: 'Bomber Jacket', genders: ['men', 'women'] },
    ],
    fabrics: ['Shell', 'Aero', 'Softshell', 'Loft', 'Stretch'],
    price: [90, 220],
    sizing: 'top',
    shape: 'jacket',
    openers: [
      'The {noun} uses {fabric} to block wind and light weather on runs, rides and commutes.',
      'Built for changeable days, this {noun} in {fabric} layers easily over a base layer or hoodie.',
      'Lightweight yet protective, the {noun} is cut from {fabric} with a trim, athletic fit.',
    ],
    details: [
      'Zippered hand pockets and an internal stash pocket keep essentials secure.',
      'A stand collar and adjustable hem seal out drafts.',
      'It packs into its own pocket for easy carrying.',
      'Reflective trims help you stay visible in low light.',
    ],
  },
  {
    slug: 'vests',
    name: 'Vests',
    parent: 'outerwear',
    genders: APPAREL,
    nouns: [
      { text: 'Vest' },
      { text: 'Quilted Vest' },
      { text: 'Running Vest', genders: ['men', 'women'] },
      { text: 'Full-Zip Vest' },
    ],
    fabrics: ['Loft', 'Softshell', 'Shell', 'Thermal', 'Fleece'],
    price: [70, 140],
    sizing: 'top',
    shape: 'vest',
    openers: [
      'The {noun} adds core warmth with {fabric} while leaving your arms free to move.',
      'Made from {fabric}, this {noun} is the easy layer for cold starts and breezy cool-downs.',
      'Layer the {noun} over a long-sleeve or under a shell: its {fabric} keeps your core comfortable.',
    ],
    details: [
      'A full-length zip makes it easy to vent as you warm up.',
      'Zippered hand pockets double as hand warmers.',
      'A dropped back hem adds coverage when you are on the move.',
    ],
  },
  {
    slug: 'rain-jackets',
    name: 'Rain Jackets',
    parent: 'outerwear',
    genders: APPAREL,
    nouns: [
      { text: 'Rain Jacket' },
      { text: 'Packable Rain Jacket' },
      { text: 'Hooded Rain Jacket' },
      { text: 'Rain Parka', genders: ['men', 'women'] },
      { text: 'Anorak' },
    ],
    fabrics: ['Storm', 'Shell', 'Aero'],
    price: [100, 200],
    sizing: 'top',
    shape: 'jacket',
    openers: [
      'The {noun} uses {fabric} to keep you dry when the forecast turns.',
      'Built for wet runs and rainy commutes, this {noun} pairs {fabric} with a fully adjustable hood.',
      'Reliable weather protection without the weight: the {noun} is made from {fabric}.',
    ],
    details: [
      'Pit zips dump heat quickly on uphill efforts.',
      'A brimmed hood keeps rain off your face without blocking your view.',
      'Storm flaps over the zips keep driving rain out.',
      'It stuffs into its own pocket when the sun comes out.',
    ],
  },
  {
    slug: 'socks',
    name: 'Socks',
    parent: 'accessories',
    genders: ['unisex'],
    nouns: [
      { text: '3-Pack Crew Socks' },
      { text: 'Quarter Socks' },
      { text: 'No-Show Socks' },
      { text: 'Running Socks' },
      { text: 'Hiking Socks' },
    ],
    fabrics: ['Cushioned', 'Merino', 'Lite', 'Quick-Dry'],
    price: [14, 22],
    sizing: 'socks',
    shape: 'sock',
    openers: [
      'These {noun} use {fabric} for all-day comfort in and out of the gym.',
      'Made from {fabric}, the {noun} keep feet dry and supported mile after mile.',
      'The {noun} pair {fabric} with a snug, no-slip fit.',
    ],
    details: [
      'A seamless toe eliminates rubbing on long days.',
      'Mesh venting across the top of the foot lets heat escape.',
      'Left- and right-specific shaping gives a precise, blister-free fit.',
    ],
  },
  {
    slug: 'caps',
    name: 'Caps & Hats',
    parent: 'accessories',
    genders: ['unisex', 'unisex', 'kids'],
    nouns: [
      { text: 'Running Cap' },
      { text: 'Six-Panel Cap' },
      { text: 'Five-Panel Cap' },
      { text: 'Trucker Cap', genders: ['unisex'] },
      { text: 'Baseball Cap' },
    ],
    fabrics: ['Lite', 'Quick-Dry', 'Twill', 'Aero'],
    price: [22, 38],
    sizing: 'one-size',
    shape: 'cap',
    openers: [
      'The {noun} is made from {fabric} to keep sun and sweat out of your eyes.',
      'Lightweight and low-profile, this {noun} in {fabric} goes from run club to coffee run.',
      'Made from {fabric}, the {noun} has a curved brim and an easy, adjustable fit.',
    ],
    details: [
      'An adjustable strap at the back fits most heads.',
      'A moisture-wicking sweatband keeps your forehead dry.',
      'Laser-cut perforations boost airflow on hot days.',
      'The unstructured crown folds easily into a bag.',
    ],
  },
  {
    slug: 'bags',
    name: 'Bags & Backpacks',
    parent: 'accessories',
    genders: ['unisex'],
    nouns: [
      { text: 'Backpack' },
      { text: 'Daypack' },
      { text: 'Duffel Bag' },
      { text: 'Gym Tote' },
      { text: 'Drawstring Gym Sack' },
    ],
    fabrics: ['Ripstop', 'Canvas', 'Aero'],
    price: [35, 120],
    sizing: 'one-size',
    shape: 'backpack',
    openers: [
      'The {noun} is made from {fabric} to carry your kit to the gym, the office and beyond.',
      'Built for everyday hauling, this {noun} in {fabric} keeps your gear organized and protected.',
      'Made from {fabric}, the {noun} is sized for a change of clothes, shoes and a water bottle.',
    ],
    details: [
      'A ventilated shoe compartment keeps sweaty gear separate.',
      'Interior zip pockets keep small items from getting lost.',
      'Padded, adjustable straps make it comfortable to carry fully loaded.',
      'A water-bottle pocket keeps hydration within easy reach.',
    ],
  },
  {
    slug: 'headbands',
    name: 'Headbands',
    parent: 'accessories',
    genders: ['unisex', 'women'],
    nouns: [
      { text: 'Headband' },
      { text: 'Wide Headband' },
      { text: 'Twist Headband', genders: ['women'] },
      { text: 'Ear Warmer Headband' },
    ],
    fabrics: ['Quick-Dry', 'Terry', 'Thermal', 'Stretch'],
    price: [12, 20],
    sizing: 'one-size',
    shape: 'headband',
    openers: [
      'The {noun} is made from {fabric} to keep hair back and sweat out of your eyes.',
      'Stretchy, soft and secure, this {noun} in {fabric} stays put through every rep.',
      'Made from {fabric}, the {noun} is a small upgrade every workout bag needs.',
    ],
    details: [
      'A silicone grip strip on the inside keeps it from slipping.',
      'It is thin enough to wear comfortably under a cap or helmet.',
      'It is machine washable and dries quickly between sessions.',
    ],
  },
];

// ---------------------------------------------------------------------------------------------
// Flat garment silhouettes for renderProductSvg, drawn in a 600×750 viewBox.

export interface ShapeArt {
  /** Garment outline, filled with the product colour. */
  d: string;
  /** Seams, hems, pockets: stroked in a contrasting shade. */
  detail: string;
  evenOdd?: boolean;
}

const SLEEVES =
  'L445 170Q490 235 505 420L520 600L465 610L435 330V630H165V330L135 610L80 600L95 420Q110 235 155 170';

export const SHAPE_ART: Record<Shape, ShapeArt> = {
  tee: {
    d: 'M245 130Q300 170 355 130L450 165L530 285L462 325L430 280V630H170V280L138 325L70 285L150 165Z',
    detail: 'M252 140Q300 184 348 140M175 603H425M455 312L520 275M145 312L80 275',
  },
  tank: {
    d: 'M235 120H270Q300 170 330 120H365Q372 240 440 280V630H160V280Q228 240 235 120Z',
    detail: 'M272 130Q300 175 328 130M165 603H435',
  },
  longsleeve: {
    d: `M245 130Q300 170 355 130${SLEEVES}Z`,
    detail: 'M252 140Q300 184 348 140M170 603H430M83 575L133 582M467 582L517 575',
  },
  hoodie: {
    d: `M232 160Q222 62 300 60Q378 62 368 160${SLEEVES}Z`,
    detail:
      'M258 170Q300 100 342 170Q300 205 258 170ZM215 470H385L405 590H195ZM285 190V265M315 190V265M170 603H430M83 575L133 582M467 582L517 575',
  },
  jacket: {
    d: `M250 112H350L362 150${SLEEVES}L238 150Z`,
    detail: 'M300 118V630M252 122Q300 150 348 122M195 470L235 480M405 470L365 480M170 603H430',
  },
  vest: {
    d: 'M245 118H355L366 150Q380 232 440 265V632H160V265Q220 232 234 150Z',
    detail: 'M300 122V632M166 330H434M164 430H436M162 530H438M252 128Q300 152 348 128',
  },
  bra: {
    d: 'M172 200H226Q300 416 374 200H428Q442 376 469 484V618H131V484Q158 376 172 200Z',
    detail: 'M135 551H465M235 216Q300 402 365 216',
  },
  shorts: {
    d: 'M165 220H435L470 535L325 555L300 370L275 555L130 535Z',
    detail: 'M168 262H432M290 240L282 292M310 240L318 292M140 505L270 522M330 522L462 505',
  },
  pants: {
    d: 'M185 110H415L445 640L330 648L300 260L270 648L155 640Z',
    detail: 'M187 152H413M292 125L286 175M308 125L314 175M158 605H272M328 607H442',
  },
  tights: {
    d: 'M200 110H400L405 400L372 648H318L300 250L282 648H228L195 400Z',
    detail: 'M201 152H399M380 300L392 420',
  },
  sock: {
    d: 'M235 110H365V455Q365 500 410 520L470 545Q520 570 510 625Q495 672 430 662L285 620Q232 603 235 545Z',
    detail: 'M237 165H363M237 185H363M365 470Q322 490 332 548M458 540Q432 600 470 660',
  },
  cap: {
    d: 'M155 460Q160 250 320 240Q470 250 465 460ZM380 440Q490 438 572 462Q590 492 550 500Q460 486 380 472Z',
    detail:
      'M320 240Q270 330 282 455M320 240Q390 330 392 458M158 440Q310 420 462 440M308 240A12 8 0 0 1 332 240',
  },
  backpack: {
    d: 'M185 235Q185 155 300 155Q415 155 415 235L428 610Q428 640 398 640H202Q172 640 172 610Z',
    detail:
      'M262 157Q262 105 300 105Q338 105 338 157M215 420H385V585H215ZM215 455H385M190 260Q300 230 410 260',
  },
  duffel: {
    d: 'M115 370Q115 300 185 300H415Q485 300 485 370V560Q485 590 455 590H145Q115 590 115 560Z',
    detail: 'M215 300Q215 220 300 220Q385 220 385 300M145 350H455M175 300V590M425 300V590',
  },
  headband: {
    d: 'M120 470A180 110 0 1 0 480 470A180 110 0 1 0 120 470ZM165 470A135 72 0 1 0 435 470A135 72 0 1 0 165 470Z',
    detail: 'M142 470A158 91 0 1 0 458 470A158 91 0 1 0 142 470',
    evenOdd: true,
  },
};
