using System;

namespace AsyncZoo
{
    /// <summary>
    /// What the profile must say about the annotated method (or lambda, or local function) after one full run of
    /// <see cref="Program.Main"/>: its display name (docs/profile-schema.md) and its exact totals. Read by the tests
    /// from the unwoven assembly with Mono.Cecil; nothing reads it at run time.
    /// Calls = 0 means "never called": the function may be absent from the profile or listed with 0 calls.
    /// </summary>
    [AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor, AllowMultiple = false, Inherited = false)]
    public sealed class ExpectAttribute : Attribute
    {
        public ExpectAttribute(string displayName) => DisplayName = displayName;

        public string DisplayName { get; }

        /// <summary>Completed calls over the whole run (resumptions are not calls).</summary>
        public int Calls { get; set; }

        /// <summary>Suspensions of those calls: awaits that did not complete at once, plus iterator items handed out.</summary>
        public int Suspends { get; set; }

        /// <summary>Calls that ended by an exception.</summary>
        public int Faults { get; set; }
    }
}
