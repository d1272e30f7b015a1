import { maskPersonalData } from './personal-data';

describe('maskPersonalData', () => {
  it.each([
    ['Jane.Doe@example.com locked out', '[email] locked out'],
    ['reset for bob+help@mail.example.co.uk please', 'reset for [email] please'],
    ['call +1 (415) 555-0134 today', 'call [number] today'],
    ['0151 2345 6789', '[number]'],
    ['card 4111 1111 1111 1111 declined', 'card [number] declined'],
    ['error 0x80070005 on update', 'error 0x80070005 on update'],
    ['macOS 10.15.7 and Windows 11 22H2', 'macOS 10.15.7 and Windows 11 22H2'],
    ['export 2026 invoices', 'export 2026 invoices'],
    ['reset password', 'reset password'],
  ])('%s → %s', (text, masked) => {
    expect(maskPersonalData(text)).toBe(masked);
  });
});
