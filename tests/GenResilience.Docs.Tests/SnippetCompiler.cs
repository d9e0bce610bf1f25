using System.Collections.Immutable;
using System.Reflection;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GenResilience.Docs.Tests;

/// <summary>How a block was compiled.</summary>
internal enum SnippetShape
{
    /// <summary>A block with using directives (or a namespace): a whole file, compiled as it stands.</summary>
    File,

    /// <summary>Anything else: statements and members, wrapped in a class that gives them the ambient variables.</summary>
    Fragment,
}

/// <summary>The outcome of compiling one block.</summary>
internal sealed record SnippetCompilation(DocBlock Block, SnippetShape Shape, IReadOnlyList<Diagnostic> Problems)
{
    public bool Compiles => Problems.Count == 0;

    /// <summary>Each problem as <c>file(line,column): error CS0103: ...</c>, with the line of the block it is on.</summary>
    public string Describe()
    {
        string[] code = Block.Code.Split('\n');
        var text = new StringBuilder();
        text.Append(Block.Id).Append(" (").Append(Shape == SnippetShape.File ? "a whole file" : "a fragment")
            .Append(") does not compile:").AppendLine();
        foreach (Diagnostic problem in Problems)
        {
            FileLinePositionSpan where = problem.Location.GetMappedLineSpan();
            string place = where.IsValid
                ? $"{where.Path}({where.StartLinePosition.Line + 1},{where.StartLinePosition.Character + 1})"
                : Block.Id;
            text.Append("  ").Append(place).Append(": ").Append(problem.Severity.ToString().ToLowerInvariant())
                .Append(' ').Append(problem.Id).Append(": ").Append(problem.GetMessage(System.Globalization.CultureInfo.InvariantCulture))
                .AppendLine();
            int index = where.StartLinePosition.Line + 1 - Block.FirstCodeLine;
            if (where.IsValid && where.Path == Block.File && index >= 0 && index < code.Length)
            {
                text.Append("      ").Append(code[index].Trim()).AppendLine();
            }
        }

        return text.ToString();
    }
}

/// <summary>
/// Compiles a Markdown C# block with Roslyn against the assemblies of this test project (the GenResilience
/// packages, ASP.NET Core, OpenTelemetry, xunit, the testing packages): what an app that uses them has.
/// </summary>
/// <remarks>
/// A block with using directives is a whole file: it is compiled as it stands, with only the SDK's implicit usings
/// (top-level statements make it a program). Any other block is a fragment: its statements become the body of an
/// async method and its declarations (methods, classes) members of a class that derives from <c>DocSnippet</c>
/// (Prelude/Ambient.cs), which holds the ambient variables; the usings of Prelude/FragmentUsings.cs apply. Errors fail
/// a block, and so do warnings but the few in <see cref="IgnoredWarnings"/>.
/// </remarks>
internal static class SnippetCompiler
{
    /// <summary>Warnings that say nothing about a snippet's correctness.</summary>
    public static readonly ImmutableArray<string> IgnoredWarnings =
    [
        "CS1998", // an async fragment with no await: the wrapper is async so that any fragment may await
        "CS8321", // a local function that the fragment declares but does not call
        "CS0168", // a variable declared and never used: fragments show declarations
        "CS0219", // a variable assigned and never used: fragments show assignments
    ];

    /// <summary>
    /// Diagnostics switched off as the docs tell users to: Microsoft.Extensions.AI's IImageGenerator is experimental
    /// (docs/generators.md says to add MEAI001 to NoWarn).
    /// </summary>
    private static readonly ImmutableArray<string> SuppressedAsTheDocsSay = ["MEAI001"];

    /// <summary>
    /// Off in every Microsoft.NET.Sdk project (its default NoWarn): a reference to 8.0 of an assembly unified with the
    /// 10.0 that the app has (on net8.0, OpenTelemetry brings Microsoft.Extensions.*.Abstractions 10.0).
    /// </summary>
    private static readonly ImmutableArray<string> SuppressedByTheSdk = ["CS1701", "CS1702"];

    private static readonly CSharpParseOptions ParseOptions = new(
#if NET10_0_OR_GREATER
        LanguageVersion.CSharp14 // the default of a net10.0 project
#else
        LanguageVersion.CSharp12 // the default of a net8.0 project
#endif
        );

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(LoadReferences);

    private static readonly Lazy<SyntaxTree> ImplicitUsings = new(() => Prelude("ImplicitUsings.cs"));

    private static readonly Lazy<SyntaxTree> FragmentUsings = new(() => Prelude("FragmentUsings.cs"));

    private static readonly Lazy<SyntaxTree> Ambient = new(() => Prelude("Ambient.cs"));

    public static SnippetCompilation Compile(DocBlock block)
    {
        SyntaxTree parsed = CSharpSyntaxTree.ParseText(block.Code, ParseOptions, block.File);
        var unit = (CompilationUnitSyntax)parsed.GetRoot();
        bool isFile = unit.Usings.Count > 0 || unit.Externs.Count > 0 || unit.Members.OfType<BaseNamespaceDeclarationSyntax>().Any();
        SnippetShape shape = isFile ? SnippetShape.File : SnippetShape.Fragment;

        // A block that does not parse is reported as it is, at its own lines, before any wrapping. Methods with an
        // access modifier are fine in a fragment (the parser calls them local functions with a wrong modifier: CS0106):
        // they become members of the wrapper class.
        Diagnostic[] syntax = parsed.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error && (isFile || d.Id != "CS0106"))
            .ToArray();
        if (syntax.Length > 0)
        {
            SyntaxTree mapped = CSharpSyntaxTree.ParseText(LineDirective(block.FirstCodeLine, block.File) + block.Code, ParseOptions, block.File);
            return new SnippetCompilation(block, shape, mapped.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray());
        }

        SyntaxTree[] trees = isFile
            ? [ImplicitUsings.Value, CSharpSyntaxTree.ParseText(LineDirective(block.FirstCodeLine, block.File) + block.Code, ParseOptions, block.File)]
            : [ImplicitUsings.Value, FragmentUsings.Value, Ambient.Value, Wrap(block, unit)];
        bool isProgram = isFile && unit.Members.OfType<GlobalStatementSyntax>().Any();

        CSharpCompilation compilation = CSharpCompilation.Create(
            "DocSnippet",
            trees,
            References.Value,
            new CSharpCompilationOptions(
                isProgram ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                specificDiagnosticOptions: SuppressedAsTheDocsSay.Concat(SuppressedByTheSdk).Concat(IgnoredWarnings)
                    .Select(id => KeyValuePair.Create(id, ReportDiagnostic.Suppress))));

        Diagnostic[] problems = compilation.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error || (d.Severity == DiagnosticSeverity.Warning && !d.IsSuppressed))
            .OrderBy(d => d.Location.GetMappedLineSpan().StartLinePosition.Line)
            .ToArray();
        return new SnippetCompilation(block, shape, problems);
    }

    /// <summary>
    /// The fragment as a class: statements (in their order) in <c>RunAsync</c>, declarations as members, each piece
    /// under a <c>#line</c> directive so that diagnostics point at the Markdown file's lines.
    /// </summary>
    private static SyntaxTree Wrap(DocBlock block, CompilationUnitSyntax unit)
    {
        var statements = new StringBuilder();
        var members = new StringBuilder();
        foreach (MemberDeclarationSyntax member in unit.Members)
        {
            int line = block.FirstCodeLine + unit.SyntaxTree.GetLineSpan(member.FullSpan).StartLinePosition.Line;
            bool isStatement = member is GlobalStatementSyntax { Statement: not LocalFunctionStatementSyntax } ||
                member is GlobalStatementSyntax { Statement: LocalFunctionStatementSyntax local } && !HasAccessibility(local.Modifiers);
            StringBuilder target = isStatement ? statements : members;
            target.Append(LineDirective(line, block.File)).Append(member.ToFullString()).AppendLine().AppendLine("#line default");
        }

        string source = $$"""
            #nullable enable
            internal sealed class DocSnippetBlock : DocSnippet
            {
                public async Task RunAsync()
                {
            {{statements}}
                }

            {{members}}
            }
            """;
        return CSharpSyntaxTree.ParseText(source, ParseOptions, "(fragment wrapper)");
    }

    private static bool HasAccessibility(SyntaxTokenList modifiers) =>
        modifiers.Any(m => m.Kind() is SyntaxKind.PublicKeyword or SyntaxKind.PrivateKeyword or SyntaxKind.ProtectedKeyword or SyntaxKind.InternalKeyword);

    private static string LineDirective(int line, string file) => $"#line {line} \"{file}\"\n";

    private static SyntaxTree Prelude(string name)
    {
        using Stream stream = typeof(SnippetCompiler).Assembly.GetManifestResourceStream("Prelude/" + name)
            ?? throw new InvalidOperationException($"Prelude/{name} is not embedded in the test assembly.");
        using var reader = new StreamReader(stream);
        return CSharpSyntaxTree.ParseText(reader.ReadToEnd(), ParseOptions, "Prelude/" + name);
    }

    /// <summary>
    /// The assemblies this test runs with (its trusted platform assemblies: .NET, ASP.NET Core and every package it
    /// references), less the ones an app would not have: the test host, the compiler and this test itself.
    /// </summary>
    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        string self = Path.GetFileName(typeof(SnippetCompiler).Assembly.Location);
        string[] notAnAppsAssembly = ["testhost", "Microsoft.TestPlatform.", "Microsoft.VisualStudio.", "Microsoft.CodeAnalysis", "xunit.runner."];
        string paths = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string
            ?? throw new InvalidOperationException("The runtime gave no TRUSTED_PLATFORM_ASSEMBLIES.");
        return
        [
            .. paths.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Where(path => path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
                .Where(path => Path.GetFileName(path) != self)
                .Where(path => !notAnAppsAssembly.Any(prefix => Path.GetFileName(path).StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
                .Where(IsManaged)
                .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path)),
        ];
    }

    private static bool IsManaged(string path)
    {
        try
        {
            AssemblyName.GetAssemblyName(path);
            return true;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }
}
