using System;
using System.Collections.Generic;

namespace AsyncProf.AspNetCore
{
    /// <summary>
    /// The nonces of the tokens already used, each kept until its token expires (a token is refused once expired,
    /// so its nonce need not be remembered longer). Bounded: when full of unexpired nonces it refuses new ones, so a
    /// flood of good tokens can neither grow memory nor make room for a replay.
    /// </summary>
    internal sealed class NonceCache
    {
        readonly int capacity;
        readonly Dictionary<string, long> expiries = new();
        readonly Queue<(string Nonce, long Expires)> order = new();

        public NonceCache(int capacity) => this.capacity = capacity;

        /// <summary>As <see cref="TryUse(string, long, Func{long})"/> with a clock that reads <paramref name="nowUnixSeconds"/>.</summary>
        public bool TryUse(string nonce, long expiresUnixSeconds, long nowUnixSeconds) => TryUse(nonce, expiresUnixSeconds, () => nowUnixSeconds);

        /// <summary>True if <paramref name="nonce"/> was not seen before (it is now); false for a replay, a full cache or a token that expired meanwhile.</summary>
        /// <param name="nowUnixSeconds">read under the lock: a request that read the clock earlier must not find its nonce already forgotten by one that read it later</param>
        public bool TryUse(string nonce, long expiresUnixSeconds, Func<long> nowUnixSeconds)
        {
            lock (order)
            {
                var now = nowUnixSeconds();
                if (expiresUnixSeconds < now) return false;
                // expiries differ by at most the token lifetime, so the front is close to the oldest
                while (order.Count > 0 && order.Peek().Expires < now)
                    expiries.Remove(order.Dequeue().Nonce);
                if (expiries.ContainsKey(nonce) || expiries.Count >= capacity) return false;
                expiries.Add(nonce, expiresUnixSeconds);
                order.Enqueue((nonce, expiresUnixSeconds));
                return true;
            }
        }

        public int Count { get { lock (order) return expiries.Count; } }
    }
}
