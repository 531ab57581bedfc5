using Mono.Cecil;

namespace AsyncProf.Weaver.Discovery
{
    /// <summary>
    /// The naming conventions compilers use for what they generate (Roslyn's "unspeakable" names and VB's '$' names).
    /// A mangled member name is <c>&lt;Outer&gt;k__Suffix</c>: k is 'b' for a lambda (<c>&lt;Main&gt;b__5_0</c>),
    /// 'g' for a local function (<c>&lt;Main&gt;g__Inner|5_0</c>), 'd' for a state machine type.
    /// </summary>
    internal static class CompilerNames
    {
        public const char LambdaKind = 'b';
        public const char LocalFunctionKind = 'g';

        /// <summary>Name of the entry point C# synthesizes for top-level statements.</summary>
        public const string TopLevelMain = "<Main>$";

        /// <summary>
        /// Display classes, lambda caches, state machines, anonymous types, &lt;PrivateImplementationDetails&gt;...
        /// F# closures and seq { } generators are named <c>function@line</c>: a generator's GenerateNext runs once
        /// per item, so weaving it as a method would count every item as a call.
        /// </summary>
        public static bool IsGeneratedType(TypeDefinition type) =>
            type.Name.StartsWith("<") || type.Name.StartsWith("VB$") || type.Name.StartsWith("_Closure$__") ||
            type.Name.Contains("@"); // never in a C# or VB type name

        public static bool HasCompilerGeneratedAttribute(ICustomAttributeProvider provider)
        {
            if (!provider.HasCustomAttributes)
                return false;
            foreach (var attribute in provider.CustomAttributes)
                if (attribute.AttributeType.FullName == "System.Runtime.CompilerServices.CompilerGeneratedAttribute")
                    return true;
            return false;
        }

        /// <summary>
        /// Code the compiler wrote for its own purposes rather than code the user wrote: display class constructors,
        /// auto-property accessors, record members, anonymous types, the synthesized <c>&lt;Main&gt;</c> that runs an
        /// async Main. Lambdas and local functions are the user's code even inside generated types.
        /// </summary>
        public static bool IsPlumbing(MethodDefinition method, bool inGeneratedType)
        {
            if (IsLambdaOrLocalFunction(method) || method.Name == TopLevelMain)
                return false;
            return inGeneratedType || method.Name.StartsWith("<") || HasCompilerGeneratedAttribute(method);
        }

        public static bool IsLambdaOrLocalFunction(MethodDefinition method) =>
            TryParse(method.Name, out _, out var kind, out _) && (kind == LambdaKind || kind == LocalFunctionKind);

        /// <summary>Splits <c>&lt;Outer&gt;k__Suffix</c>; Outer may itself hold brackets (<c>&lt;&lt;Main&gt;$&gt;b__0_0</c>).</summary>
        public static bool TryParse(string name, out string outer, out char kind, out string suffix)
        {
            outer = suffix = string.Empty;
            kind = '\0';
            if (name.Length < 4 || name[0] != '<')
                return false;

            int depth = 0, close = -1;
            for (int i = 0; i < name.Length; i++)
            {
                if (name[i] == '<') depth++;
                else if (name[i] == '>' && --depth == 0) { close = i; break; }
            }
            // Expect "<Outer>" then one kind letter then "__".
            if (close < 1 || close + 3 >= name.Length || name[close + 2] != '_' || name[close + 3] != '_')
                return false;

            outer = name.Substring(1, close - 1);
            kind = name[close + 1];
            suffix = name.Substring(close + 4);
            return outer.Length > 0;
        }
    }
}
