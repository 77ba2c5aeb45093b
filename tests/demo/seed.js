// SPDX-License-Identifier: ISC
// Demo data: film actors as pydantic-dynamo's FilmActor model, one
// PartitionedContent JSON line each (the input of `dynrepo put`).
// Deterministic: the same seed gives the same items.
'use strict';
const n = parseInt(process.argv[2] || '300', 10);
let state = 12345;
function rand(k) {
  state = (state * 1103515245 + 12345) % 2147483648;
  return Math.floor(state / 65536) % k;
}
const places = [
  ['usa', 'ny', 'saratoga', '12020'], ['usa', 'ny', 'albany', '12201'],
  ['usa', 'ca', 'oakland', '94601'], ['usa', 'ca', 'fresno', '93650'],
  ['usa', 'tx', 'austin', '73301'], ['ireland', 'dublin'], ['france'],
  ['japan', 'tokyo', 'shibuya'], ['india', 'mh', 'mumbai'],
];
const cities = { saratoga: 'Saratoga Springs', albany: 'Albany', oakland: 'Oakland',
  fresno: 'Fresno', austin: 'Austin', dublin: 'Dublin', tokyo: 'Tokyo',
  mumbai: 'Mumbai' };
const genres = ['drama', 'comedy', 'action', 'documentary'];
const studios = [['studio-a'], ['studio-b', 'east'], ['studio-c', 'west', '2024']];
const first = ['Ana', 'Bo', 'Chen', 'Dara', 'Eli', 'Fatima', 'Gus', 'Hana',
  'Ivan', 'Jun', 'Kofi', 'Lea', 'Mo', 'Nia', 'Oskar', 'Priya', 'Saoirse'];
for (let i = 1; i <= n; i++) {
  const place = places[rand(places.length)];
  const id = 'actor' + String(i).padStart(4, '0');
  const year = 1950 + rand(70);
  const item = {
    id, name: first[rand(first.length)] + ' ' + String.fromCharCode(65 + rand(26)) + '. Actor-' + i,
    review: rand(4) === 0 ? null : 'review of actor ' + i,
    year,
    rating: (rand(100) / 10 + 0.5).toFixed(rand(3)),
    score: rand(3) === 0 ? null : rand(1000),
    tags: [genres[rand(4)], 'tag' + i],
    nicknames: ['nick' + i],
    lucky_numbers: [rand(100), 7],
    address: { city: cities[place[2] || place[1]] || 'Paris',
      country: { usa: 'USA', ireland: 'Ireland', france: 'France',
        japan: 'Japan', india: 'India' }[place[0]],
      zip: place[3] || null },
    extra: { studio: 'A24', sequels: [1, 2] },
    roles: [{ title: 'Role ' + i, year: 1970 + rand(50), lead: rand(2) === 1 }],
    born: `${year}-0${1 + rand(9)}-1${rand(9)}T12:30:15.${String(i).padStart(6, '0')}+00:00`,
    birthday: `${year}-0${1 + rand(9)}-1${rand(9)}`,
    call_time: '06:30:0' + rand(10),
    genre: genres[rand(4)],
    awards: rand(5),
    big_count: '1234567890123456' + String(7000 + i),
    active: rand(2) === 1,
    nothing: null,
  };
  const line = {
    partition_ids: studios[rand(studios.length)],
    content_ids: place.concat([id]),
    item, current_version: 1,
    expiry: rand(10) === 0 ? 1893456000 + i : null,
  };
  // big_count (20 digits) and rating (a Decimal: "1.30" keeps its digits)
  // are exact numbers: emit them unquoted, past JavaScript's doubles.
  process.stdout.write(JSON.stringify(line)
    .replace(/"big_count":"(\d+)"/, '"big_count":$1')
    .replace(/"rating":"([\d.]+)"/, '"rating":$1') + '\n');
}
