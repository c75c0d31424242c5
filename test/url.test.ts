import { expect } from 'chai';
import { UrlError } from '../src/errors';
import { redactSecrets, redactUrl, secretsInUrl } from '../src/connection/redact';
import { parseConnectionUrl } from '../src/connection/url';

/** Runs `fn`, expects a one-line UrlError, and returns its message. */
function urlError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(UrlError);
    const message = (err as UrlError).message;
    expect(message).not.to.match(/[\r\n]/);
    expect((err as UrlError).exitCode).to.equal(1);
    return message;
  }
  throw new Error('expected a UrlError');
}

describe('parseConnectionUrl', () => {
  describe('sqlite', () => {
    it('sqlite:// is an in-memory database', () => {
      const spec = parseConnectionUrl('sqlite://');
      expect(spec).to.deep.equal({
        backend: 'sqlite',
        url: 'sqlite://',
        redactedUrl: 'sqlite://',
        sqlitePath: ':memory:',
        options: {},
      });
    });

    it('sqlite:/// and sqlite:///:memory: are in-memory too', () => {
      expect(parseConnectionUrl('sqlite:///').sqlitePath).to.equal(':memory:');
      expect(parseConnectionUrl('sqlite:///:memory:').sqlitePath).to.equal(':memory:');
    });

    it('three slashes: a path relative to cwd', () => {
      const spec = parseConnectionUrl('sqlite:///data/watcher.db', '/srv/app');
      expect(spec.sqlitePath).to.equal('/srv/app/data/watcher.db');
      expect(spec.database).to.equal('data/watcher.db');
      expect(spec.host).to.equal(undefined);
    });

    it('relative paths default to process.cwd()', () => {
      expect(parseConnectionUrl('sqlite:///w.db').sqlitePath).to.equal(`${process.cwd()}/w.db`);
    });

    it('four slashes: an absolute path', () => {
      const spec = parseConnectionUrl('sqlite:////var/lib/watcher/watcher.sqlite', '/elsewhere');
      expect(spec.sqlitePath).to.equal('/var/lib/watcher/watcher.sqlite');
    });

    it('keeps query options', () => {
      expect(parseConnectionUrl('sqlite:////tmp/x.db?timeout=5').options).to.deep.equal({ timeout: '5' });
    });

    it('rejects a host, which would silently change the path', () => {
      expect(urlError(() => parseConnectionUrl('sqlite://dir/x.db'))).to.equal(
        'Invalid database URL sqlite://dir/x.db: SQLite takes no host, user or port ' +
          '(use sqlite:///relative/path or sqlite:////absolute/path)',
      );
    });
  });

  describe('mysql', () => {
    it('parses a full URL with driver, encoded password, port and options', () => {
      const url = 'mysql+pymysql://watcher:p%40ss%2Fw@db.example.org:3307/watcher?charset=utf8&read_timeout=30';
      expect(parseConnectionUrl(url)).to.deep.equal({
        backend: 'mysql',
        driver: 'pymysql',
        url,
        redactedUrl: 'mysql+pymysql://watcher:***@db.example.org:3307/watcher?charset=utf8&read_timeout=30',
        username: 'watcher',
        password: 'p@ss/w',
        host: 'db.example.org',
        port: 3307,
        database: 'watcher',
        options: { charset: 'utf8', read_timeout: '30' },
      });
    });

    for (const [scheme, driver] of [
      ['mysql', undefined],
      ['mysql+pymysql', 'pymysql'],
      ['mysql+mysqldb', 'mysqldb'],
      ['mysql+mysqlconnector', 'mysqlconnector'],
    ] as const) {
      it(`${scheme}:// is MySQL with driver ${driver}`, () => {
        const spec = parseConnectionUrl(`${scheme}://u:pw@h/db`);
        expect(spec.backend).to.equal('mysql');
        expect(spec.driver).to.equal(driver);
        expect(spec).to.include({ username: 'u', password: 'pw', host: 'h', database: 'db' });
      });
    }

    it('leaves the default port to the connector', () => {
      const spec = parseConnectionUrl('mysql://u:pw@h/db');
      expect(spec.port).to.equal(undefined);
      expect('port' in spec).to.equal(false);
    });

    it('unix_socket becomes socketPath and leaves options', () => {
      const spec = parseConnectionUrl('mysql+pymysql://watcher:pw@localhost/watcher?unix_socket=/run/mysqld/mysqld.sock&charset=utf8mb4');
      expect(spec.socketPath).to.equal('/run/mysqld/mysqld.sock');
      expect(spec.options).to.deep.equal({ charset: 'utf8mb4' });
    });

    it('accepts no host at all, as SQLAlchemy does (the driver uses localhost)', () => {
      const spec = parseConnectionUrl('mysql://');
      expect(spec.backend).to.equal('mysql');
      expect(spec.host).to.equal(undefined);
      expect(spec.database).to.equal(undefined);
    });

    it('a user without a password', () => {
      const spec = parseConnectionUrl('mysql://root@h:3306');
      expect(spec).to.include({ username: 'root', host: 'h', port: 3306 });
      expect(spec.password).to.equal(undefined);
      expect(spec.database).to.equal(undefined);
      expect(spec.redactedUrl).to.equal('mysql://root@h:3306');
    });

    it('an empty password is an empty string, not undefined', () => {
      expect(parseConnectionUrl('mysql://root:@h/db').password).to.equal('');
    });

    it('like SQLAlchemy, the password runs to the @, so raw "/", "#", "?" and ":" need no encoding', () => {
      const spec = parseConnectionUrl('mysql://u:a/b#c?d:e@h/db');
      expect(spec).to.include({ username: 'u', password: 'a/b#c?d:e', host: 'h', database: 'db' });
      expect(spec.redactedUrl).to.equal('mysql://u:***@h/db');
    });

    it('decodes percent-escapes in the user name too, and keeps a stray % as it is', () => {
      const spec = parseConnectionUrl('mysql://us%65r:100%25%zz@h/db');
      expect(spec.username).to.equal('user');
      expect(spec.password).to.equal('100%%zz');
    });

    it("rejects a raw '@' in the password without showing any of it", () => {
      const message = urlError(() => parseConnectionUrl('mysql://u:se@cret@h/db'));
      expect(message).to.equal("Invalid database URL mysql://u:***@h/db: more than one '@' (write '@' in a user name or password as %40)");
    });
  });

  describe('postgresql', () => {
    for (const [scheme, driver] of [
      ['postgresql', undefined],
      ['postgresql+psycopg2', 'psycopg2'],
      ['postgres', undefined],
    ] as const) {
      it(`${scheme}:// is PostgreSQL with driver ${driver}`, () => {
        const spec = parseConnectionUrl(`${scheme}://watcher:pw@db:6432/watcher`);
        expect(spec.backend).to.equal('postgres');
        expect(spec.driver).to.equal(driver);
        expect(spec).to.include({ username: 'watcher', password: 'pw', host: 'db', port: 6432, database: 'watcher' });
      });
    }

    it('an IPv6 host, bracketed in the URL, is returned without brackets', () => {
      const spec = parseConnectionUrl('postgresql://watcher:pw@[::1]:5433/watcher');
      expect(spec).to.include({ host: '::1', port: 5433 });
      expect(spec.redactedUrl).to.equal('postgresql://watcher:***@[::1]:5433/watcher');
    });

    it('an IPv6 host without port', () => {
      expect(parseConnectionUrl('postgresql://[fe80::1%25eth0]/db').host).to.equal('fe80::1%25eth0');
    });

    it('host=/dir in the query is the socket directory', () => {
      const spec = parseConnectionUrl('postgresql://watcher@/watcher?host=/var/run/postgresql');
      expect(spec.socketPath).to.equal('/var/run/postgresql');
      expect(spec.host).to.equal(undefined);
      expect(spec.options).to.deep.equal({});
    });

    it('host=name in the query is a host name, as libpq reads it', () => {
      const spec = parseConnectionUrl('postgresql://watcher@/watcher?host=db2');
      expect(spec.host).to.equal('db2');
      expect(spec.socketPath).to.equal(undefined);
    });

    it('keeps sslmode, connect_timeout and unknown options, decoding them like parse_qsl', () => {
      const spec = parseConnectionUrl(
        'postgresql://u:pw@h/db?sslmode=verify-full&connect_timeout=7&application_name=watcher+db%2Dmanage&empty=',
      );
      expect(spec.options).to.deep.equal({
        sslmode: 'verify-full',
        connect_timeout: '7',
        application_name: 'watcher db-manage',
      });
    });

    it('unix_socket is not a PostgreSQL option: it stays in options', () => {
      const spec = parseConnectionUrl('postgresql://u@h/db?unix_socket=/x');
      expect(spec.socketPath).to.equal(undefined);
      expect(spec.options).to.deep.equal({ unix_socket: '/x' });
    });

    it('a repeated option keeps its last value', () => {
      expect(parseConnectionUrl('postgresql://h/db?sslmode=disable&sslmode=require').options.sslmode).to.equal('require');
    });
  });

  describe('a password in the query, as SQLAlchemy hands it to the driver', () => {
    it('PostgreSQL: ?password= is the password (libpq reads it), decoded with + as a space', () => {
      const spec = parseConnectionUrl('postgresql://u@h/db?password=p%40ss%3Aw%2Frd%25%2B+x&sslmode=disable');
      expect(spec.password).to.equal('p@ss:w/rd%+ x');
      expect(spec.options).to.deep.equal({ sslmode: 'disable' });
      expect(spec.redactedUrl).to.equal('postgresql://u@h/db?password=***&sslmode=disable');
    });

    it('PostgreSQL: the query password wins over the user-info one, as in libpq', () => {
      expect(parseConnectionUrl('postgresql://u:one@h/db?password=two').password).to.equal('two');
    });

    it("a '+' in the user-info is a '+', in the query a space", () => {
      expect(parseConnectionUrl('mysql://u:a+b%20c@h/db').password).to.equal('a+b c');
      expect(parseConnectionUrl('mysql://u@h/db?password=a+b%20c%2B').password).to.equal('a b c+');
    });

    it('MySQL: ?password= wins over the user-info one; ?passwd= counts only without either (PyMySQL)', () => {
      expect(parseConnectionUrl('mysql+pymysql://u:one@h/db?password=two').password).to.equal('two');
      expect(parseConnectionUrl('mysql+pymysql://u@h/db?passwd=three').password).to.equal('three');
      expect(parseConnectionUrl('mysql+pymysql://u:@h/db?passwd=three').password).to.equal('three');
      expect(parseConnectionUrl('mysql+pymysql://u:one@h/db?passwd=three').password).to.equal('one');
      const spec = parseConnectionUrl('mysql+pymysql://u@h/db?passwd=three&password=two&charset=utf8');
      expect(spec.password).to.equal('two');
      expect(spec.options).to.deep.equal({ charset: 'utf8' });
    });

    it('an empty query password is dropped, as parse_qsl drops it', () => {
      expect(parseConnectionUrl('postgresql://u:one@h/db?password=').password).to.equal('one');
    });

    it('PostgreSQL does not read passwd: it stays an (unused) option, hidden all the same', () => {
      const spec = parseConnectionUrl('postgresql://u@h/db?passwd=x');
      expect(spec.password).to.equal(undefined);
      expect(spec.redactedUrl).to.equal('postgresql://u@h/db?passwd=***');
    });
  });

  describe('errors', () => {
    it('names the accepted schemes for an unsupported one, with the password hidden', () => {
      const message = urlError(() => parseConnectionUrl('oracle://scott:tiger@h/db'));
      expect(message).to.equal(
        "Unsupported database URL scheme 'oracle' in oracle://scott:***@h/db; accepted: sqlite, mysql, " +
          'mysql+pymysql, mysql+mysqldb, mysql+mysqlconnector, postgresql, postgresql+psycopg2, postgres',
      );
    });

    it('scheme matching is exact (no prototype keys, no case folding)', () => {
      expect(urlError(() => parseConnectionUrl('constructor://h/db'))).to.match(/^Unsupported database URL scheme 'constructor'/);
      expect(urlError(() => parseConnectionUrl('MySQL://h/db'))).to.match(/^Unsupported database URL scheme 'MySQL'/);
      expect(urlError(() => parseConnectionUrl('mysql+pg8000://h/db'))).to.match(/scheme 'mysql\+pg8000'/);
    });

    it('rejects a string without scheme, hiding a password it may hold', () => {
      const message = urlError(() => parseConnectionUrl('watcher:s3cret@db/watcher'));
      expect(message).to.equal(
        'Invalid database URL watcher:***@db/watcher: expected scheme://[user[:password]@][host][:port][/database][?options]',
      );
    });

    it('rejects the empty string', () => {
      expect(urlError(() => parseConnectionUrl(''))).to.match(/^Invalid database URL : expected scheme:\/\//);
    });

    for (const port of ['abc', '', '0', '65536', '-1', '3306x', '1e3']) {
      it(`rejects port '${port}' without showing the password`, () => {
        const message = urlError(() => parseConnectionUrl(`mysql://u:s3cret@h:${port}/db`));
        expect(message).to.equal(`Invalid database URL mysql://u:***@h:${port}/db: port '${port}' is not a number from 1 to 65535`);
        expect(message).not.to.include('s3cret');
      });
    }

    it('accepts the extreme ports', () => {
      expect(parseConnectionUrl('mysql://h:1/db').port).to.equal(1);
      expect(parseConnectionUrl('mysql://h:65535/db').port).to.equal(65535);
    });

    it('rejects a connect_timeout that is not whole seconds', () => {
      expect(urlError(() => parseConnectionUrl('postgresql://u:s3cret@h/db?connect_timeout=2.5'))).to.equal(
        "Invalid database URL postgresql://u:***@h/db?connect_timeout=2.5: connect_timeout '2.5' is not a whole number of seconds",
      );
    });

    it('rejects a URL continued on a second line, printing it on one', () => {
      const message = urlError(() => parseConnectionUrl('mysql://u:s3cret@h/db\nmore'));
      expect(message).to.equal('Invalid database URL "mysql://u:***@h/db\\nmore": it spans more than one line');
    });
  });
});

describe('redactUrl', () => {
  it('hides the password and keeps everything else', () => {
    expect(redactUrl('postgresql://watcher:secret@db.example.org:5432/watcher?sslmode=require')).to.equal(
      'postgresql://watcher:***@db.example.org:5432/watcher?sslmode=require',
    );
  });

  it('hides a percent-encoded password', () => {
    expect(redactUrl('mysql+pymysql://watcher:p%40ss%2Fw@h/watcher')).to.equal('mysql+pymysql://watcher:***@h/watcher');
  });

  it('hides a password with raw "@", ":" and "/" entirely', () => {
    expect(redactUrl('mysql://u:a@b:c/d@h/db')).to.equal('mysql://u:***@h/db');
  });

  it('leaves URLs without a password unchanged', () => {
    for (const url of [
      'postgresql://watcher@db/watcher',
      'mysql://h:3306/db',
      'mysql://u@h:3306/db?x=y@z',
      'sqlite:////var/lib/a@b/watcher.sqlite',
      'sqlite://',
      'mysql://u:@h/db',
      'not a url',
    ]) {
      expect(redactUrl(url), url).to.equal(url);
    }
  });

  it('hides query passwords, also with the key percent-encoded, and keeps the other options', () => {
    expect(redactUrl('postgresql://u@h/db?sslmode=require&password=s%40cret&connect_timeout=5')).to.equal(
      'postgresql://u@h/db?sslmode=require&password=***&connect_timeout=5',
    );
    expect(redactUrl('mysql://u:pw@h/db?passwd=x&pass%77ord=y')).to.equal('mysql://u:***@h/db?passwd=***&pass%77ord=***');
  });

  it("hides the rest of a query password holding a raw '&'", () => {
    expect(redactUrl('mysql://u@h/db?password=a&b&charset=utf8')).to.equal('mysql://u@h/db?password=***&charset=utf8');
  });

  it("finds the query where SQLAlchemy does, even after a '?' in the user name", () => {
    expect(redactUrl('mysql://u?x@h/db?password=s3cret')).to.equal('mysql://u?x@h/db?password=***');
  });

  it('hides a query password in a string that does not parse', () => {
    expect(redactUrl('my-sql://u@h/db?password=s3cret')).to.equal('my-sql://u@h/db?password=***');
  });

  it('works on strings that do not parse', () => {
    expect(redactUrl('oracle://scott:tiger@h/db')).to.equal('oracle://scott:***@h/db');
    expect(redactUrl('my_sql://u:pw@h:port/db')).to.equal('my_sql://u:***@h:port/db');
    expect(redactUrl('scott:tiger@h/db')).to.equal('scott:***@h/db');
  });
});

describe('secretsInUrl', () => {
  it('every password of the URL, as written and decoded', () => {
    expect(secretsInUrl('mysql://u:p%40ss+1@h/db?password=a%2Bb+c&passwd=d&x=e').sort()).to.deep.equal(
      ['p%40ss+1', 'p@ss+1', 'a%2Bb+c', 'a+b c', 'a+b+c', 'd'].sort(),
    );
  });

  it('also the conservative reading of a user-info password with a raw "@"', () => {
    expect(secretsInUrl('mysql://u:se@cret@h/db')).to.include('se@cret');
  });

  it('nothing for a URL without a password', () => {
    expect(secretsInUrl('postgresql://u@h/db?sslmode=require')).to.deep.equal([]);
    expect(secretsInUrl('sqlite:////var/lib/watcher.sqlite')).to.deep.equal([]);
  });
});

describe('redactSecrets', () => {
  it('replaces every occurrence of each secret', () => {
    expect(redactSecrets('pw1 then pw2 then pw1', ['pw1', 'pw2'])).to.equal('*** then *** then ***');
  });

  it('replaces percent-encoded forms, upper- and lower-case', () => {
    const secret = 'p@ss/w:rd';
    const text = `raw ${secret}, encoded p%40ss%2Fw%3Ard, lower p%40ss%2fw%3ard`;
    expect(redactSecrets(text, [secret])).to.equal('raw ***, encoded ***, lower ***');
  });

  it('replaces the form SQLAlchemy writes (only : @ / quoted)', () => {
    expect(redactSecrets('mysql://u:a%40b c@h', ['a@b c'])).to.equal('mysql://u:***@h');
  });

  it("replaces the query-string forms ('+' for a space) and Python's quote() of !'()*", () => {
    expect(redactSecrets("?password=a+b%21 and a%20b%21 and a%20b!", ['a b!'])).to.equal('?password=*** and *** and ***');
    expect(redactSecrets("q: it%27s", ["it's"])).to.equal('q: ***');
  });

  it('replaces the JSON-escaped and the SQL-quoted forms', () => {
    expect(redactSecrets('["a\\"b"] and \'it\'\'s\'', ['a"b', "it's"])).to.equal('["***"] and \'***\'');
  });

  it('handles secrets with regular expression characters', () => {
    expect(redactSecrets('x = a.*(b)$', ['a.*(b)$'])).to.equal('x = ***');
  });

  it('ignores empty and missing secrets', () => {
    expect(redactSecrets('nothing to hide', ['', undefined])).to.equal('nothing to hide');
  });

  it('hides a secret that contains another one without leaving a fragment', () => {
    expect(redactSecrets('user=ab pw=abcd', ['ab', 'abcd'])).to.equal('user=*** pw=***');
  });
});
