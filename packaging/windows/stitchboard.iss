; Inno Setup 6 script: per-user installer for the PyInstaller folder dist\stitchboard, with the
; .stitch file association. Not built here (Linux only): see packaging/windows/README.md.
;   iscc /DAppVersion=0.1.0 packaging\windows\stitchboard.iss

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "Stitchboard"
#define AppExe "stitchboard.exe"
#define ProgId "Stitchboard.Pipeline"
#define DistDir "..\..\dist\stitchboard"

[Setup]
AppId={{6B0E8C1F-3E3A-4C55-9B9E-5D1C2A7F4E21}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=Stitchboard
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ChangesAssociations=yes
ChangesEnvironment=yes
OutputDir=..\..\dist
OutputBaseFilename=Stitchboard-Setup-{#AppVersion}
SetupIconFile=..\icons\stitchboard.ico
UninstallDisplayIcon={app}\{#AppExe}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ArchitecturesInstallIn64BitMode=x64compatible
ArchitecturesAllowed=x64compatible

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "addtopath"; Description: "Add stitchboard to PATH (for the command line)"; Flags: unchecked

[Files]
Source: "{#DistDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{group}\Uninstall {#AppName}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; .stitch -> Stitchboard.Pipeline (per user, or per machine when installed with admin rights)
Root: HKA; Subkey: "Software\Classes\.stitch"; ValueType: string; ValueName: ""; ValueData: "{#ProgId}"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.stitch"; ValueType: string; ValueName: "Content Type"; ValueData: "application/x-stitchboard"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.stitch\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\{#ProgId}"; ValueType: string; ValueName: ""; ValueData: "Stitchboard pipeline"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\{#ProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"
Root: HKA; Subkey: "Software\Classes\{#ProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".stitch"; ValueData: ""; Flags: uninsdeletekey
; optional: the install folder on the user's PATH
Root: HKCU; Subkey: "Environment"; ValueType: expandsz; ValueName: "Path"; ValueData: "{olddata};{app}"; Tasks: addtopath; Check: NeedsAddPath(ExpandConstant('{app}'))

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[Code]
function NeedsAddPath(Dir: string): Boolean;
var
  Paths: string;
begin
  if not RegQueryStringValue(HKEY_CURRENT_USER, 'Environment', 'Path', Paths) then
  begin
    Result := True;
    exit;
  end;
  Result := Pos(';' + Uppercase(Dir) + ';', ';' + Uppercase(Paths) + ';') = 0;
end;
