using System;
using System.Security.Cryptography;

namespace AsyncProf.AspNetCore
{
    /// <summary>Why a trigger token was not accepted (logged at Debug only: never the token itself).</summary>
    internal enum TriggerRejection
    {
        None,
        Malformed,
        WrongKey,
        BadSignature,
        Expired,
        TooFarAhead,
        Replayed,
    }

    /// <summary>
    /// Checks a trigger header against the configured key: its shape, its key id, its signature over this request's
    /// method and target (in constant time), its expiry (neither past nor further ahead than the lifetime allows)
    /// and, last, that its nonce was never used: a token spends its nonce only once all else holds.
    /// </summary>
    internal sealed class TriggerVerifier
    {
        /// <summary>Clocks of the client and the server may differ by this much.</summary>
        const long SkewSeconds = 30;

        readonly TriggerKey key;
        readonly long maxLifetimeSeconds;
        readonly NonceCache nonces;
        readonly Func<DateTimeOffset> now;

        public TriggerVerifier(TriggerKey key, TimeSpan maxLifetime, int nonceCapacity, Func<DateTimeOffset>? clock = null)
        {
            this.key = key;
            maxLifetimeSeconds = (long)maxLifetime.TotalSeconds;
            nonces = new NonceCache(nonceCapacity);
            now = clock ?? (() => DateTimeOffset.UtcNow);
        }

        public string KeyId => key.Id;

        public TriggerRejection Verify(string? header, string method, string pathAndQuery) => Verify(header, method, pathAndQuery, out _);

        /// <param name="nonce">the accepted token's nonce (null when rejected): the id its profile is stored under,
        /// which the client knows even when the response cannot carry it (an unhandled exception's 500 drops headers)</param>
        public TriggerRejection Verify(string? header, string method, string pathAndQuery, out string? nonce)
        {
            nonce = null;
            var rejection = Check(header, method, pathAndQuery, out var token);
            if (rejection == TriggerRejection.None) nonce = token.Nonce;
            return rejection;
        }

        TriggerRejection Check(string? header, string method, string pathAndQuery, out TriggerToken token)
        {
            if (!TriggerToken.TryParse(header, out token)) return TriggerRejection.Malformed;
            if (!string.Equals(token.KeyId, key.Id, StringComparison.Ordinal)) return TriggerRejection.WrongKey;
            var expected = TriggerToken.Sign(key.Secret, token.KeyId, method, pathAndQuery, token.ExpiresUnixSeconds, token.Nonce);
            if (!CryptographicOperations.FixedTimeEquals(expected, token.Signature)) return TriggerRejection.BadSignature;
            var nowSeconds = now().ToUnixTimeSeconds();
            if (token.ExpiresUnixSeconds < nowSeconds) return TriggerRejection.Expired;
            if (token.ExpiresUnixSeconds > nowSeconds + maxLifetimeSeconds + SkewSeconds) return TriggerRejection.TooFarAhead;
            return nonces.TryUse(token.Nonce, token.ExpiresUnixSeconds, () => now().ToUnixTimeSeconds()) ? TriggerRejection.None : TriggerRejection.Replayed;
        }
    }
}
