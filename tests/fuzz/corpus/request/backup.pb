¢$
"/var/backups/liuhen-2026-05-17.mdb