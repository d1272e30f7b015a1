// Evergreen's GraphiQL page script (served by src/common/graphql/graphiql/graphiql.ts).
// Mounts GraphiQL from the bundles this server ships, adds the admin sign-in helper, and says so
// on the page when the bundles did not load instead of leaving it blank.
(function () {
  'use strict';
  var settings = JSON.parse(document.getElementById('graphiql-settings').textContent);
  var container = document.getElementById('graphiql');
  var TOKEN_KEY = 'evergreen.graphiql.token:' + settings.endpoint;

  function showFailure(message) {
    container.innerHTML = '';
    var p = document.createElement('p');
    p.id = 'graphiql-status';
    p.className = 'failed';
    p.setAttribute('role', 'alert');
    p.textContent = message;
    container.appendChild(p);
  }

  var missing = ['React', 'ReactDOM', 'GraphiQL'].filter(function (name) {
    return !window[name];
  });
  if (missing.length > 0) {
    showFailure(
      'GraphiQL could not start: ' + missing.join(', ') + ' did not load from /graphiql/assets. ' +
        'Reload the page; the API itself answers POST requests at ' + settings.endpoint + '.',
    );
    return;
  }

  var token = null;
  try {
    token = window.sessionStorage.getItem(TOKEN_KEY);
  } catch (e) {
    token = null;
  }

  function post(body, extraHeaders) {
    var headers = { 'content-type': 'application/json', accept: 'application/json' };
    if (token) headers.authorization = 'Bearer ' + token;
    Object.keys(extraHeaders || {}).forEach(function (name) {
      headers[name] = extraHeaders[name];
    });
    return fetch(settings.endpoint, { method: 'POST', headers: headers, body: JSON.stringify(body) }).then(function (res) {
      return res.text().then(function (text) {
        try {
          return JSON.parse(text);
        } catch (e) {
          return { errors: [{ message: 'HTTP ' + res.status + ': ' + text.slice(0, 500) }] };
        }
      });
    });
  }

  // Subscriptions go over WebSocket (graphql-transport-ws) on the same path, with the signed-in token in
  // connection_init; GraphiQL's own fetcher (its bundle includes the graphql-ws client) runs them.
  /** Whether the document has a subscription operation: the keyword outside any selection set, comments and strings. */
  function isSubscription(params) {
    var query = typeof params.query === 'string' ? params.query.replace(/#[^\n]*/g, '').replace(/"(?:[^"\\]|\\.)*"/g, '""') : '';
    var depth = 0;
    var tokens = /[{}]|\bsubscription\b/g;
    for (var match = tokens.exec(query); match; match = tokens.exec(query)) {
      if (match[0] === '{') depth += 1;
      else if (match[0] === '}') depth -= 1;
      else if (depth === 0) return true;
    }
    return false;
  }

  function fetcher(params, options) {
    if (isSubscription(params) && typeof GraphiQL.createFetcher === 'function') {
      var url = new URL(settings.endpoint, window.location.href);
      // Made per subscription, so it connects with the token signed in now.
      var subscriptions = GraphiQL.createFetcher({
        url: url.href,
        subscriptionUrl: (url.protocol === 'https:' ? 'wss:' : 'ws:') + '//' + url.host + url.pathname,
        wsConnectionParams: token ? { authorization: 'Bearer ' + token } : {},
      });
      // The toolkit routes by the document GraphiQL parsed last, which can lag behind the editor: say what this one is.
      var name = params.operationName || undefined;
      var documentAST = {
        kind: 'Document',
        definitions: [{ kind: 'OperationDefinition', operation: 'subscription', name: name ? { kind: 'Name', value: name } : undefined }],
      };
      return subscriptions(params, Object.assign({}, options, { documentAST: documentAST }));
    }
    return post(params, options && options.headers);
  }

  if (settings.signIn) setUpSignIn();

  try {
    var root = ReactDOM.createRoot(container);
    root.render(React.createElement(GraphiQL, { fetcher: fetcher, defaultQuery: settings.defaultQuery }));
  } catch (error) {
    showFailure('GraphiQL could not start: ' + (error && error.message ? error.message : String(error)));
  }

  function setUpSignIn() {
    var form = document.getElementById('sign-in');
    var status = document.getElementById('sign-in-status');
    var signOut = document.getElementById('sign-out');

    function setToken(value, description) {
      token = value;
      try {
        if (value) window.sessionStorage.setItem(TOKEN_KEY, value);
        else window.sessionStorage.removeItem(TOKEN_KEY);
      } catch (e) {
        // Private windows may refuse storage; the token then lasts until the page reloads.
      }
      status.className = '';
      status.textContent = description;
      signOut.hidden = !value;
    }

    function fail(message) {
      status.className = 'error';
      status.textContent = message;
    }

    if (token) setToken(token, 'Using the token from this tab: queries send Authorization: Bearer …');

    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var email = document.getElementById('sign-in-email').value;
      var password = document.getElementById('sign-in-password').value;
      status.className = '';
      status.textContent = 'Signing in…';
      token = null;
      post({
        query: 'mutation EvergreenGraphiqlLogin($input: AdminLoginInput!) { login(input: $input) { accessToken user { email role } } }',
        variables: { input: { email: email, password: password } },
      }).then(
        function (result) {
          var session = result && result.data && result.data.login;
          if (!session) {
            fail('Sign-in failed: ' + (result && result.errors && result.errors[0] ? result.errors[0].message : 'no session'));
            return;
          }
          document.getElementById('sign-in-password').value = '';
          setToken(session.accessToken, 'Signed in as ' + session.user.email + ' (' + session.user.role + '): queries send Authorization: Bearer …');
        },
        function (error) {
          fail('Sign-in failed: ' + error.message);
        },
      );
    });

    document.getElementById('sign-in-use-token').addEventListener('click', function () {
      var input = document.getElementById('sign-in-token');
      var value = input.value.trim().replace(/^Bearer\s+/i, '');
      if (!value) {
        fail('Paste an access token first.');
        return;
      }
      input.value = '';
      setToken(value, 'Using the pasted token: queries send Authorization: Bearer …');
    });

    signOut.addEventListener('click', function () {
      setToken(null, 'Signed out: queries run anonymously.');
    });
  }
})();
