using System;
using System.Security.Cryptography;

namespace AsyncProf.AspNetCore
{
    /// <summary>
    /// A trigger key as `asyncprof key new` prints it and <c>AsyncProf:Key</c> holds it: <c>&lt;id&gt;:&lt;secret&gt;</c>,
    /// the id 1 to 32 letters, digits, '-' or '_' (it names the key in every token, so a server can tell a wrong key
    /// from a forged token), the secret standard base64 of 32 random bytes (at least 16).
    /// Shared by the middleware and the command line (compiled into both).
    /// </summary>
    internal sealed class TriggerKey
    {
        public const int SecretBytes = 32;
        const int MinSecretBytes = 16, MaxIdLength = 32;

        public string Id { get; }
        public byte[] Secret { get; }

        TriggerKey(string id, byte[] secret)
        {
            Id = id;
            Secret = secret;
        }

        public static TriggerKey New()
        {
            Span<byte> idBytes = stackalloc byte[4];
            RandomNumberGenerator.Fill(idBytes);
            return new TriggerKey("k" + Convert.ToHexString(idBytes).ToLowerInvariant(), RandomNumberGenerator.GetBytes(SecretBytes));
        }

        /// <summary>The key text, or an <see cref="FormatException"/> whose one-line message says what is wrong (never the secret).</summary>
        public static TriggerKey Parse(string text)
        {
            text = text.Trim();
            var colon = text.IndexOf(':');
            if (colon < 0) throw new FormatException("not an AsyncProf key: expected <id>:<base64 secret>, as 'asyncprof key new' prints");
            var id = text.Substring(0, colon);
            if (!IsValidId(id)) throw new FormatException($"the key id '{Shorten(id)}' is not 1 to {MaxIdLength} letters, digits, '-' or '_'");
            byte[] secret;
            try { secret = Convert.FromBase64String(text.Substring(colon + 1)); }
            catch (FormatException) { throw new FormatException($"the secret of key '{id}' is not base64"); }
            if (secret.Length < MinSecretBytes) throw new FormatException($"the secret of key '{id}' has {secret.Length} bytes, fewer than {MinSecretBytes}");
            return new TriggerKey(id, secret);
        }

        public static bool IsValidId(string id)
        {
            if (id.Length == 0 || id.Length > MaxIdLength) return false;
            foreach (var c in id)
                if (!(c is >= 'a' and <= 'z' || c is >= 'A' and <= 'Z' || c is >= '0' and <= '9' || c == '-' || c == '_')) return false;
            return true;
        }

        static string Shorten(string s) => s.Length > 40 ? s.Substring(0, 40) + "..." : s;

        /// <summary>The key as <c>asyncprof key new</c> prints it and <see cref="Parse"/> reads it: id and secret.</summary>
        public string ToKeyText() => Id + ":" + Convert.ToBase64String(Secret);

        /// <summary>The key id only: a key that ends up in a log or an exception message does not give its secret away.</summary>
        public override string ToString() => Id;
    }
}
