using System;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace AsyncProf.AspNetCore
{
    /// <summary>
    /// The value of the <c>X-AsyncProf</c> trigger header: <c>v1.&lt;key id&gt;.&lt;expiry&gt;.&lt;nonce&gt;.&lt;signature&gt;</c>,
    /// the expiry in Unix seconds, the nonce 16 random bytes and the signature the HMAC-SHA256, under the key's
    /// secret, of <see cref="SignedText"/> (key id, method, path and query as sent, expiry, nonce), both base64url
    /// without padding. A token is good for one request to one target, once, until it expires.
    /// Shared by the middleware and the command line (compiled into both).
    /// </summary>
    internal readonly struct TriggerToken
    {
        public const string Version = "v1";
        public const int NonceBytes = 16, SignatureBytes = 32;
        /// <summary>Longer header values are not parsed at all.</summary>
        public const int MaxLength = 200;

        public string KeyId { get; }
        public long ExpiresUnixSeconds { get; }
        public string Nonce { get; }
        public byte[] Signature { get; }

        TriggerToken(string keyId, long expires, string nonce, byte[] signature)
        {
            KeyId = keyId;
            ExpiresUnixSeconds = expires;
            Nonce = nonce;
            Signature = signature;
        }

        /// <summary>A fresh token for <paramref name="method"/> on <paramref name="pathAndQuery"/> (as the request line carries it).</summary>
        public static string Create(TriggerKey key, string method, string pathAndQuery, DateTimeOffset expires)
        {
            var nonce = Base64Url(RandomNumberGenerator.GetBytes(NonceBytes));
            var exp = expires.ToUnixTimeSeconds();
            return Format(key.Id, exp, nonce, Sign(key.Secret, key.Id, method, pathAndQuery, exp, nonce));
        }

        public static string Format(string keyId, long expires, string nonce, byte[] signature) =>
            string.Join(".", Version, keyId, expires.ToString(CultureInfo.InvariantCulture), nonce, Base64Url(signature));

        /// <summary>The text the signature covers; the method is compared as sent (HTTP methods are case-sensitive).</summary>
        public static string SignedText(string keyId, string method, string pathAndQuery, long expires, string nonce) =>
            "asyncprof-trigger-v1\n" + keyId + "\n" + method + "\n" + pathAndQuery + "\n" + expires.ToString(CultureInfo.InvariantCulture) + "\n" + nonce;

        public static byte[] Sign(byte[] secret, string keyId, string method, string pathAndQuery, long expires, string nonce) =>
            HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(SignedText(keyId, method, pathAndQuery, expires, nonce)));

        /// <summary>Splits a header value; false for anything not exactly of the token's shape.</summary>
        public static bool TryParse(string? value, out TriggerToken token)
        {
            token = default;
            if (value == null || value.Length > MaxLength) return false;
            var parts = value.Split('.');
            if (parts.Length != 5 || parts[0] != Version || !TriggerKey.IsValidId(parts[1])) return false;
            if (parts[2].Length == 0 || parts[2].Length > 12 || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var expires)) return false;
            var nonce = FromBase64Url(parts[3]);
            var signature = FromBase64Url(parts[4]);
            if (nonce == null || nonce.Length != NonceBytes || signature == null || signature.Length != SignatureBytes) return false;
            token = new TriggerToken(parts[1], expires, parts[3], signature);
            return true;
        }

        public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        static byte[]? FromBase64Url(string text)
        {
            if (text.Length == 0 || text.IndexOfAny(new[] { '+', '/', '=' }) >= 0) return null;
            var padded = text.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - padded.Length % 4) % 4);
            try { return Convert.FromBase64String(padded); }
            catch (FormatException) { return null; }
        }
    }
}
