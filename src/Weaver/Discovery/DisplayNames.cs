using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Runtime.CompilerServices;
using Mono.Cecil;

namespace AsyncProf.Weaver.Discovery
{
    /// <summary>
    /// The names users see: <c>Namespace.Type.Method</c>, nested types joined with '.', generics C#-style
    /// (<c>Ns.Repo&lt;T&gt;.Convert&lt;U&gt;</c>), compiler-generated types collapsed into the user type that
    /// declared them, lambdas as <c>Outer.lambda#N</c>, local functions as <c>Outer.Inner</c>.
    /// State machines are named by their kickoff method: the caller maps MoveNext to it first.
    /// </summary>
    internal static class DisplayNames
    {
        public static string Of(MethodDefinition method)
        {
            var userType = UserTypeOf(method.DeclaringType);
            var name = TypeName(userType) + "." + MemberName(method, userType);
            return IsOverloaded(method) ? name + ParameterTypeNames.Of(method) : name;
        }

        /// <summary>
        /// Another method of the same type has the same name: the display name then carries the parameter types.
        /// Compiler-generated methods (lambdas, local functions) are named after their outer method instead.
        /// </summary>
        static bool IsOverloaded(MethodDefinition method)
        {
            if (CompilerNames.TryParse(method.Name, out _, out _, out _) || method.Name == CompilerNames.TopLevelMain)
                return false;
            var sameName = NameCounts.GetValue(method.DeclaringType, CountNames).TryGetValue(method.Name, out var n) ? n : 0;
            return sameName - (CompilerNames.IsPlumbing(method, inGeneratedType: false) ? 0 : 1) > 0;
        }

        /// <summary>How many methods of a type bear each name, compiler plumbing not counted: it never shows in a
        /// profile (a record's copy constructor), so it does not make a name ambiguous. Once per type: scanning the
        /// type for every method was quadratic in large types.</summary>
        static readonly ConditionalWeakTable<TypeDefinition, Dictionary<string, int>> NameCounts =
            new ConditionalWeakTable<TypeDefinition, Dictionary<string, int>>();

        static Dictionary<string, int> CountNames(TypeDefinition type)
        {
            var counts = new Dictionary<string, int>(System.StringComparer.Ordinal);
            foreach (var method in type.Methods)
                if (!CompilerNames.IsPlumbing(method, inGeneratedType: false))
                    counts[method.Name] = (counts.TryGetValue(method.Name, out var n) ? n : 0) + 1;
            return counts;
        }

        /// <summary>The nearest enclosing type the user wrote (display classes, state machines... collapse into it).</summary>
        public static TypeDefinition UserTypeOf(TypeDefinition type)
        {
            var current = type;
            while (CompilerNames.IsGeneratedType(current) && current.DeclaringType != null)
                current = current.DeclaringType;
            return current;
        }

        public static string TypeName(TypeDefinition type)
        {
            var own = OwnName(type);
            if (type.DeclaringType != null)
                return TypeName(type.DeclaringType) + "." + own;
            return type.Namespace.Length == 0 ? own : type.Namespace + "." + own;
        }

        static string MemberName(MethodDefinition method, TypeDefinition userType)
        {
            if (CompilerNames.TryParse(method.Name, out var outer, out var kind, out var suffix))
            {
                if (kind == CompilerNames.LambdaKind)
                {
                    var number = LambdaNumber(method, userType);
                    return OuterName(outer, userType) + ".lambda" + (number > 0 ? "#" + number.ToString(CultureInfo.InvariantCulture) : string.Empty);
                }
                if (kind == CompilerNames.LocalFunctionKind)
                {
                    var bar = suffix.IndexOf('|');
                    return OuterName(outer, userType) + "." + (bar >= 0 ? suffix.Substring(0, bar) : suffix);
                }
            }
            if (method.Name == CompilerNames.TopLevelMain)
                return "Main";
            return method.Name + GenericParameterList(method.GenericParameters.Select(p => p.Name).ToArray());
        }

        /// <summary>The method a lambda or local function was written in, with that method's generic parameters.</summary>
        static string OuterName(string outer, TypeDefinition userType)
        {
            if (outer == CompilerNames.TopLevelMain)
                return "Main";
            var declared = userType.Methods.FirstOrDefault(m => m.Name == outer);
            var generics = declared == null ? string.Empty : GenericParameterList(declared.GenericParameters.Select(p => p.Name).ToArray());
            return outer + generics;
        }

        /// <summary>
        /// The lambda's 1-based number among the lambdas of the method it was written in, in source order. The
        /// compiler numbers lambdas and local functions with one counter per method (its "ordinal"), so ordinals have
        /// gaps: rank the ordinals of all lambdas of the same method instead, wherever the compiler put them (the
        /// &lt;&gt;c singleton, closure classes). The method is identified by its ordinal, so overloads stay apart.
        /// </summary>
        static int LambdaNumber(MethodDefinition lambda, TypeDefinition userType) =>
            LambdaNumbers.GetValue(userType, NumberLambdas).TryGetValue(lambda, out var number) ? number : -1;

        /// <summary>Numbers computed once per user type (a type may hold thousands of lambdas).</summary>
        static readonly ConditionalWeakTable<TypeDefinition, Dictionary<MethodDefinition, int>> LambdaNumbers =
            new ConditionalWeakTable<TypeDefinition, Dictionary<MethodDefinition, int>>();

        static Dictionary<MethodDefinition, int> NumberLambdas(TypeDefinition userType)
        {
            var lambdas =
                from type in SelfAndGeneratedNested(userType)
                from method in type.Methods
                where CompilerNames.TryParse(method.Name, out _, out var kind, out _) && kind == CompilerNames.LambdaKind
                let outer = OuterOf(method)
                let ordinals = LambdaOrdinals(method)
                where ordinals.Lambda >= 0
                select (method, outer, ordinals.Method, ordinals.Lambda);

            var numbers = new Dictionary<MethodDefinition, int>();
            foreach (var sameMethod in lambdas.GroupBy(l => (l.outer, l.Method)))
            {
                var number = 1;
                foreach (var lambda in sameMethod.OrderBy(l => l.Lambda))
                    numbers[lambda.method] = number++;
            }
            return numbers;
        }

        static string OuterOf(MethodDefinition method)
        {
            CompilerNames.TryParse(method.Name, out var outer, out _, out _);
            return outer;
        }

        /// <summary>
        /// Lambda names end in "methodOrdinal_lambdaOrdinal" in the &lt;&gt;c singleton, or just "lambdaOrdinal" in a
        /// closure class, whose own name carries the method ordinal (&lt;&gt;c__DisplayClass5_0); maybe "#generation".
        /// </summary>
        static (int Method, int Lambda) LambdaOrdinals(MethodDefinition lambda)
        {
            CompilerNames.TryParse(lambda.Name, out _, out _, out var suffix);
            var parts = StripGeneration(suffix).Split('_');
            if (parts.Length == 2)
                return (ParseOrdinal(parts[0]), ParseOrdinal(parts[1]));
            const string closurePrefix = "<>c__DisplayClass";
            var closure = lambda.DeclaringType.Name;
            var methodOrdinal = closure.StartsWith(closurePrefix)
                ? ParseOrdinal(StripGeneration(closure.Substring(closurePrefix.Length)).Split('_')[0])
                : -1;
            return (methodOrdinal, ParseOrdinal(parts[0]));
        }

        static IEnumerable<TypeDefinition> SelfAndGeneratedNested(TypeDefinition type)
        {
            yield return type;
            foreach (var nested in type.NestedTypes)
                if (CompilerNames.IsGeneratedType(nested))
                    foreach (var inner in SelfAndGeneratedNested(nested))
                        yield return inner;
        }

        static string StripGeneration(string text)
        {
            var hash = text.IndexOf('#');
            return hash >= 0 ? text.Substring(0, hash) : text;
        }

        static int ParseOrdinal(string text) =>
            int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : -1;

        /// <summary>A type's own name: "Repo`1" with parameters [T] becomes "Repo&lt;T&gt;". Nested types re-declare
        /// their outer types' parameters first, so only the last `arity` parameters are their own.</summary>
        static string OwnName(TypeDefinition type)
        {
            var name = type.Name;
            var tick = name.IndexOf('`');
            if (tick < 0)
                return name;
            var arity = int.TryParse(name.Substring(tick + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
            var all = type.GenericParameters;
            var own = all.Skip(System.Math.Max(0, all.Count - arity)).Select(p => p.Name).ToArray();
            return name.Substring(0, tick) + GenericParameterList(own);
        }

        static string GenericParameterList(string[] names) =>
            names.Length == 0 ? string.Empty : "<" + string.Join(",", names) + ">";
    }
}
