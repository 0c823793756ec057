import { settingSubject } from './phrasing';

describe('settingSubject', () => {
  it('names a setting by its flag and its variable, as the configuration errors do', () => {
    expect(settingSubject('HTTP_PORT', { flag: 'http-port' })).toBe('--http-port / HTTP_PORT');
  });

  it('names a variable without a flag, or a flag-only key, by the one name it has', () => {
    expect(settingSubject('HTTP_PORT', {})).toBe('HTTP_PORT');
    expect(settingSubject('dryRun', { flag: 'dry-run' })).toBe('--dry-run');
  });
});
