using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Threading.Tasks;

namespace AsyncProf.AspNetCore
{
    /// <summary>
    /// The profiles of profiled requests, in memory, until fetched from the profile endpoint: at most
    /// <c>capacity</c> profiles and <c>maxBytes</c> bytes, the oldest finished ones evicted first. A profile is
    /// reserved when its request starts (its id goes out in the response headers before the profile exists), and
    /// a fetch that arrives before the request has finished waits for it.
    /// </summary>
    internal sealed class ProfileStore
    {
        internal sealed class Entry
        {
            public Entry(string id) => Id = id;

            public string Id { get; }
            readonly TaskCompletionSource<bool> done = new(TaskCreationOptions.RunContinuationsAsynchronously);
            public Task Done => done.Task;
            /// <summary>The asyncprof/1 JSON, once finished, unless <see cref="Refusal"/> says why there is none.</summary>
            public byte[]? Json { get; private set; }
            public string? Refusal { get; private set; }
            public bool Finished => done.Task.IsCompleted;

            internal void Finish(byte[]? json, string? refusal)
            {
                Json = json;
                Refusal = refusal;
                done.TrySetResult(true);
            }
        }

        readonly int capacity;
        readonly long maxBytes;
        readonly LinkedList<Entry> order = new(); // oldest first
        readonly Dictionary<string, LinkedListNode<Entry>> byId = new(StringComparer.Ordinal);
        long bytes;

        public ProfileStore(int capacity, long maxBytes)
        {
            this.capacity = Math.Max(1, capacity);
            this.maxBytes = maxBytes;
        }

        public int Count { get { lock (order) return order.Count; } }
        public long Bytes { get { lock (order) return bytes; } }

        /// <summary>A place for a profile being recorded, under <paramref name="id"/> (a trigger's single-use nonce) or a random id.</summary>
        public Entry Reserve(string? id = null)
        {
            var entry = new Entry(id ?? Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant());
            lock (order)
            {
                // a nonce is single-use only while its token is unexpired: a key holder may sign it again later
                if (byId.TryGetValue(entry.Id, out var earlier)) Remove(earlier);
                byId[entry.Id] = order.AddLast(entry);
                EvictWhileOver();
            }
            return entry;
        }

        /// <summary>Stores the profile of <paramref name="entry"/>, evicting the oldest finished profiles to make room.</summary>
        public void Complete(Entry entry, byte[] json)
        {
            lock (order)
            {
                if (!byId.TryGetValue(entry.Id, out var node) || node.Value != entry) { entry.Finish(null, "evicted from the profile store before it was finished"); return; }
                entry.Finish(json, null);
                bytes += json.Length;
                EvictWhileOver();
            }
        }

        /// <summary>Records that <paramref name="entry"/> has no profile, and why (a fetch gets the reason).</summary>
        public void Fail(Entry entry, string reason)
        {
            lock (order) entry.Finish(null, reason);
        }

        public Entry? Find(string id)
        {
            lock (order) return byId.TryGetValue(id, out var node) ? node.Value : null;
        }

        void EvictWhileOver()
        {
            var node = order.First;
            while (node != null && (order.Count > capacity || bytes > maxBytes))
            {
                var next = node.Next;
                if (node.Value.Finished) Remove(node); // a reserved profile still recording is never evicted: its request is running
                node = next;
            }
        }

        void Remove(LinkedListNode<Entry> node)
        {
            bytes -= node.Value.Json?.Length ?? 0;
            byId.Remove(node.Value.Id);
            order.Remove(node);
        }
    }
}
