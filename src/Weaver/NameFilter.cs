using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace AsyncProf.Weaving
{
    /// <summary>
    /// WeaverSettings.Include/Exclude applied to display names: <c>*</c> matches any run of characters, everything
    /// else literally (ordinal, case-sensitive, like the names themselves).
    /// </summary>
    internal sealed class NameFilter
    {
        readonly Regex[] includes;
        readonly Regex[] excludes;

        public NameFilter(IEnumerable<string> include, IEnumerable<string> exclude)
        {
            includes = Compile(include);
            excludes = Compile(exclude);
        }

        public bool Accepts(string displayName) =>
            (includes.Length == 0 || includes.Any(r => r.IsMatch(displayName))) &&
            !excludes.Any(r => r.IsMatch(displayName));

        static Regex[] Compile(IEnumerable<string> patterns) =>
            patterns.Where(p => !string.IsNullOrWhiteSpace(p))
                .Select(p => new Regex("^" + Regex.Escape(p.Trim()).Replace("\\*", ".*") + "$",
                    RegexOptions.CultureInvariant | RegexOptions.Singleline))
                .ToArray();
    }
}
