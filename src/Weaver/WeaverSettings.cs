using System.Collections.Generic;

namespace AsyncProf.Weaver
{
    /// <summary>What every way in (command line, MSBuild task, Fody) hands the core besides the assembly itself.</summary>
    public sealed class WeaverSettings
    {
        /// <summary>
        /// Patterns matched against the display name (<c>Namespace.Type.Method</c>); <c>*</c> matches any run of
        /// characters. A method is woven when it matches some include (or there are none) and no exclude.
        /// </summary>
        public List<string> Include { get; } = new List<string>();
        public List<string> Exclude { get; } = new List<string>();

        /// <summary>Folders searched for referenced assemblies, besides the input's own folder.</summary>
        public List<string> ReferenceSearchPaths { get; } = new List<string>();

        /// <summary>
        /// Strong-name key (.snk) to sign the woven assembly with, so a strong-named project stays strong-named with
        /// its own key. Null: an input that was signed is written unsigned, with a warning.
        /// </summary>
        public string? StrongNameKeyFile { get; set; }

        /// <summary>
        /// Weave every method that has a source method, trivial ones too. By default methods whose probe would cost
        /// more than it tells are left out: bodies of a few bytes with no call and no loop (getters, field stores,
        /// constants) and [MethodImpl(AggressiveInlining)] methods; their time is their caller's self time, as if
        /// inlined. Compiler plumbing (auto-property accessors, record and anonymous type members, closure
        /// constructors) is left out either way: it has no source method.
        /// </summary>
        public bool WeaveAll { get; set; }

        /// <summary>
        /// Weave state machine MoveNext methods as ordinary methods, the way naive profilers do. Only for tests and
        /// demonstrations of why AsyncProf exists: it makes every resumption look like a call.
        /// </summary>
        public bool NaiveStateMachines { get; set; }
    }
}
