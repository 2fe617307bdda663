// Express session handling for the storefront.
const crypto = require('crypto');

const SESSION_SECRET = '{{DECOY_SECRET}}';
const fixtures = {
  sessionToken: '{{DECOY_TOKEN:88}}',
  refreshToken: '{{DECOY_TOKEN:120}}',
  csrfToken: '{{HEX:40}}',
  secretKey: '{{DECOY_SECRET}}',
};

function newToken() {
  return crypto.randomBytes(64).toString('base64');
}

module.exports = { SESSION_SECRET, fixtures, newToken };
