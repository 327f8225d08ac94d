/**
 * The application menu: the platform's usual menus plus File → Open Data Folder, which shows the
 * folder holding the database, experiment artifacts and uploads (the OS app-data folder, or
 * `EMOTION_STUDIO_HOME`) in the system file manager.
 */
import fs from 'node:fs';
import { app, dialog, Menu, shell, type MenuItemConstructorOptions } from 'electron';

export async function openDataFolder(dataDir: string): Promise<void> {
  // The engine creates the folder on start; create it anyway so the item never opens "not found".
  fs.mkdirSync(dataDir, { recursive: true });
  // shell.openPath reports failure as a message rather than by rejecting.
  const failure = await shell.openPath(dataDir);
  if (failure) dialog.showErrorBox('Could not open the data folder', `${dataDir}\n\n${failure}`);
}

export function installAppMenu(dataDir: string): void {
  const isMac = process.platform === 'darwin';
  const openDataFolderItem: MenuItemConstructorOptions = {
    label: 'Open Data Folder',
    toolTip: dataDir,
    click: () => void openDataFolder(dataDir),
  };
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    { label: 'File', submenu: [openDataFolderItem, { type: 'separator' }, isMac ? { role: 'close' } : { role: 'quit' }] },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        // Developer tools only in development builds.
        ...(app.isPackaged ? [] : [{ role: 'toggleDevTools' as const }]),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
