// Every snippet: the usings that <ImplicitUsings>enable</ImplicitUsings> gives a Microsoft.NET.Sdk project.
global using System;
global using System.Collections.Generic;
global using System.IO;
global using System.Linq;
global using System.Net.Http;
global using System.Threading;
global using System.Threading.Tasks;
