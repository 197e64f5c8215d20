
š
/var/lib/liuhen/export