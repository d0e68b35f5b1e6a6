/**
 * Every Finnish word about answer files: why one was refused, each message naming the file. A name given to
 * these is already safe to show (safeDisplayName); here it is only shortened and quoted.
 */

/** A file's name inside a message: shortened, in Finnish quotation marks. */
function named(name: string): string {
  const points = Array.from(name);
  return `”${points.length > 80 ? `${points.slice(0, 79).join('')}…` : points.join('')}”`;
}

/** A size the way the limits are set, in binary units: 25 Mt, 1,5 Mt, 512 kt. */
export function formatSize(bytes: number): string {
  const [value, unit] = bytes >= 1024 * 1024 ? [bytes / (1024 * 1024), 'Mt'] : bytes >= 1024 ? [bytes / 1024, 'kt'] : [bytes, 'tavua'];
  return `${value.toLocaleString('fi-FI', { maximumFractionDigits: 1 })} ${unit}`;
}

export const fileText = {
  /** Shown for a file whose name had nothing displayable left. */
  fallbackName: 'tiedosto',
  empty: (name: string) => `Tiedosto ${named(name)} on tyhjä, joten sitä ei liitetty. Valitse tiedosto, jossa on vastauksen tiedot.`,
  notAccepted: (name: string) =>
    `Tiedostoa ${named(name)} ei voi liittää: sen sisältö ei ole JSON, CSV, PDF, ZIP tai tekstiä. Tallenna tiedot johonkin näistä muodoista.`,
  wrongName: (name: string, content: 'pdf' | 'zip' | 'text') =>
    `Tiedoston ${named(name)} nimi ei vastaa sen sisältöä: sisältö on ${contentNames[content]}, joten nimen pitää päättyä ${endings[content]}. Nimeä tiedosto uudelleen ja liitä se sitten.`,
  notJson: (name: string) => `Tiedosto ${named(name)} ei ole kelvollista JSONia, vaikka sen nimi päättyy .json. Tarkista tiedoston sisältö.`,
  notText: (name: string, ending: string) =>
    `Tiedosto ${named(name)} ei ole UTF-8-merkistöllä tallennettua tekstiä, vaikka sen nimi päättyy ${ending}. Tallenna se UTF-8-merkistöllä.`,
  fileTooLarge: (name: string, max: number) =>
    `Tiedosto ${named(name)} on liian suuri: yksi tiedosto saa olla enintään ${formatSize(max)}. Mitään ei tallennettu. Jaa tiedot useampaan tiedostoon tai pakkaa ne ZIP-tiedostoksi.`,
  answerTooLarge: (max: number) =>
    `Liitteet ovat yhteensä liian suuria: yhdessä vastauksessa saa olla enintään ${formatSize(max)}. Mitään ei tallennettu. Jaa tiedot useampaan tiedostoon ja lähetä osa niistä erikseen, tai pakkaa ne ZIP-tiedostoksi.`,
  tooMany: 'Lomakkeessa oli liian monta osaa. Mitään ei tallennettu. Lähetä vastaus lomakkeella uudelleen.',
  notHere: 'Tiedostoja voi liittää vain, kun merkitset tarkastus- tai siirtopyynnön valmiiksi. Mitään ei tallennettu.',
} as const;

const contentNames = { pdf: 'PDF-asiakirja', zip: 'ZIP-paketti', text: 'tekstiä' } as const;
const endings = { pdf: '.pdf', zip: '.zip', text: '.txt, .csv tai .json' } as const;
