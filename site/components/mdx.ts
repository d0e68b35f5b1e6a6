/** The components editors may write in any MDX file, by their Finnish names, without imports. */
import ControllerContact from './ControllerContact.astro';
import RequestForm from './RequestForm.astro';
import RightCards from './RightCards.astro';
import SharedSection from './SharedSection.astro';

export const mdxComponents = {
  Yhteystiedot: ControllerContact,
  Oikeudet: RightCards,
  Lomake: RequestForm,
  Yhteinen: SharedSection,
};
