using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace AsyncProf.Weaver.Discovery
{
    /// <summary>
    /// WeaverSettings.Include/Exclude applied to display names: <c>*</c> matches any run of characters, everything
    /// else literally (ordinal, case-sensitive, like the names themselves).
    /// </summary>
    internal sealed class NameFilter
    {
        readonly Regex[] includes;
        readonly Regex[] excludes;
        readonly HashSet<string> literalIncludes;

        public NameFilter(IEnumerable<string> include, IEnumerable<string> exclude)
        {
            includes = Compile(include);
            excludes = Compile(exclude);
            literalIncludes = new HashSet<string>(include.Where(p => !string.IsNullOrWhiteSpace(p) && !p.Contains("*")).Select(p => p.Trim()));
        }

        /// <summary>Whether some include pattern has no wildcard: only then can <see cref="NamesExactly"/> hold.</summary>
        public bool HasLiteralIncludes => literalIncludes.Count > 0;

        /// <summary>
        /// An include pattern without a wildcard names this method (with or without its parameter list) and no exclude
        /// drops it: the user asked for this method by name, so the default selection must not leave it out.
        /// </summary>
        public bool NamesExactly(string displayName)
        {
            var paren = displayName.IndexOf('(');
            var named = literalIncludes.Contains(displayName) || (paren > 0 && literalIncludes.Contains(displayName.Substring(0, paren)));
            return named && Accepts(displayName);
        }

        /// <summary>
        /// An overload's name carries its parameter list (<c>Repo.Save(int)</c>): a pattern matches the name with it
        /// or without it, so <c>Repo.Save</c> and <c>*Async</c> keep matching every overload.
        /// </summary>
        public bool Accepts(string displayName)
        {
            var paren = displayName.IndexOf('(');
            var bare = paren > 0 ? displayName.Substring(0, paren) : displayName;
            bool Matches(Regex r) => r.IsMatch(displayName) || (paren > 0 && r.IsMatch(bare));
            return (includes.Length == 0 || includes.Any(Matches)) && !excludes.Any(Matches);
        }

        static Regex[] Compile(IEnumerable<string> patterns) =>
            patterns.Where(p => !string.IsNullOrWhiteSpace(p))
                .Select(p => new Regex("^" + Regex.Escape(p.Trim()).Replace("\\*", ".*") + "$",
                    RegexOptions.CultureInvariant | RegexOptions.Singleline))
                .ToArray();
    }
}
