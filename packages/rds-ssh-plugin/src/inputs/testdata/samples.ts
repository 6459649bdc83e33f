/**
 * Device answers the input tests feed to the fake runner. [captured] = real device output copied
 * from the RouterOS reference (routeros.md, with its source); [constructed] = ours, built from the
 * documented fields in the layout of the captured samples (an RDS2216 on RouterOS 7.24.1: RAID6
 * `storage-pool` over nvme1..nvme10 plus spare nvme11, RAID1 `mirror` over nvme12..nvme13, empty
 * bays nvme14..nvme20 with a pulled drive's `last-seen` on nvme17, btrfs on storage-pool, xfs on
 * mirror, an NVMe/TCP and an iSCSI file disk). Exec output ends lines in CRLF: use {@link crlf}.
 * Kept as TypeScript so the compiled tests carry them (no copy step for dist).
 */

/** LF -> CRLF, as RouterOS exec prints. */
export const crlf = (s: string): string => s.replace(/\r?\n/g, '\r\n');

/** [captured] CHR 7.16 (routeros.md S19). */
export const SYSTEM_RESOURCE_CHR = crlf(`                   uptime: 1m58s
                  version: 7.16 (stable)
               build-time: 2024-09-20 13:00:27
         factory-software: 7.1
              free-memory: 178.1MiB
             total-memory: 384.0MiB
                      cpu: QEMU
                cpu-count: 1
            cpu-frequency: 4192MHz
                 cpu-load: 0%
           free-hdd-space: 71.2MiB
          total-hdd-space: 89.2MiB
  write-sect-since-reboot: 296
         write-sect-total: 296
        architecture-name: x86_64
               board-name: CHR QEMU Standard PC (i440FX + PIIX, 1996)
                 platform: MikroTik

`);

/** [constructed] `:serialize to=json [/system resource print as-value]` on an RDS2216, 7.24 (`minimum-version` replaces `factory-software`). */
export const SYSTEM_RESOURCE_JSON = crlf(
  '{"architecture-name":"arm64","bad-blocks":0,"board-name":"RDS2216-2XG-4S+4XS-2XQ","build-time":"2026-09-01 10:00:00","cpu":"ARM64","cpu-count":16,"cpu-frequency":2000,"cpu-load":3,"free-hdd-space":96731136,"free-memory":29956775936,"minimum-version":"7.15","platform":"MikroTik","total-hdd-space":134217728,"total-memory":34359738368,"uptime":"2w1d03:17:42","version":"7.24.1 (stable)","write-sect-since-reboot":41568,"write-sect-total":1882310}\n',
);

/** [captured] `/system health print` on a CCR1072 (routeros.md S20; rows 3-7 and 9-11 omitted there too). */
export const HEALTH_TABLE_CCR1072 = crlf(`Columns: NAME, VALUE, TYPE
 #  NAME                VALUE  TYPE
 0  power-consumption   50.8   W
 1  cpu-temperature     43     C
 2  fan1-speed          5654   RPM
 8  psu1-voltage        0      V

`);

/** [constructed] `/system health print terse` on an RDS2216: CPU and board temperature, 2 fans, 2 PSUs, voltage, current, power. */
export const HEALTH_TERSE_RDS = crlf(` 0   name=cpu-temperature value=47 type=C
 1   name=board-temperature1 value=38 type=C
 2   name=fan1-speed value=5400 type=RPM
 3   name=fan2-speed value=5520 type=RPM
 4   name=psu1-state value=ok type=""
 5   name=psu2-state value=fail type=""
 6   name=psu1-voltage value=12.1 type=V
 7   name=psu2-voltage value=0 type=V
 8   name=psu1-current value=7.6 type=A
 9   name=power-consumption value=182.4 type=W

`);

/** [constructed] the same sensors through `:serialize to=json`, temperatures x10 and voltages in dV (the manual's scripts/API form). */
export const HEALTH_JSON_X10 = crlf(
  '[{".id":"*1","name":"cpu-temperature","type":"C","value":470},{".id":"*2","name":"board-temperature1","type":"C","value":380},{".id":"*3","name":"fan1-speed","type":"RPM","value":5400},{".id":"*4","name":"fan2-speed","type":"RPM","value":0},{".id":"*5","name":"psu1-state","type":"","value":"ok"},{".id":"*6","name":"psu2-state","type":"","value":"no-input"},{".id":"*7","name":"psu1-voltage","type":"V","value":121},{".id":"*8","name":"power-consumption","type":"W","value":182}]\n',
);

/** [constructed] the JSON form with plain values (what `get ... value` gave in a capture). */
export const HEALTH_JSON_PLAIN = crlf(
  '[{".id":"*1","name":"cpu-temperature","type":"C","value":47},{".id":"*2","name":"board-temperature1","type":"C","value":38},{".id":"*3","name":"psu1-voltage","type":"V","value":12.1},{".id":"*4","name":"psu1-state","type":"","value":"ok"}]\n',
);

/** [captured] `/disk print detail` RAID items on an RDS2216 (routeros.md S18; interactive, so wrapped wider than exec). */
export const DISK_DETAIL_RAID10 = crlf(`Flags: B - BLOCK-DEVICE; M - MOUNTED; r - RAID-MEMBER
26 BM  type=raid slot="raid10" slot-default="" parent="" fs-label="ocp-storage" fs-uuid="40437dbc-…" fs=xfs model="RAID0 striped" size=16 003 143 565 312 free=14 789 895 307 264 total-inodes=1 562 806 656
       free-inodes=1 562 806 652 use=8% mount-point="raid10" mount-filesystem=yes mount-read-only=no compress=no sector-size=512 raid-type=0 raid-device-count=4 raid-max-component-size=none raid-chunk-size=256K raid-master=none
       state="clean" raid-uuid="eadca0af-…" nvme-tcp-export=no iscsi-export=no nfs-sharing=no smb-sharing=no media-sharing=no media-interface=none swap=no

27 B r type=raid slot="raid10-m0" model="RAID1 mirrored" size=4 000 786 153 472 raid-master=raid10 raid-role=0 raid-member-failed=no raid-member-state="0:in_sync" state="clean"
`);

/** [captured] a file-backed NVMe/TCP export (routeros.md S18). */
export const DISK_DETAIL_FILE_EXPORT = crlf(`Flags: B - BLOCK-DEVICE; t - NVME-TCP-EXPORT
31 Bt type=file slot="vm-storage-001" slot-default="" parent="" fs=- model="/raid10/vm-storage-001.img" size=1 099 511 627 776 mount-filesystem=no mount-read-only=no compress=no sector-size=512 raid-master=none nvme-tcp-export=yes
      nvme-tcp-server-port=4420 nvme-tcp-server-nqn="nqn.2026-09.com.mikrotik:rds2216.vm-storage-001" nvme-tcp-server-allow-host-name="" iscsi-export=no nfs-sharing=no smb-sharing=no media-sharing=no media-interface=none swap=no
      file-path=/raid10/vm-storage-001.img file-size=1024.0GiB file-offset=0
`);

/** The secrets {@link DISK_TERSE_RDS2216} and {@link DISK_JSON_RDS2216} hold: they must never come out. */
export const NVME_TCP_PASSWORD = 'hunter2-nvme';
export const NVME_TCP_SECRET = 'DHHC-1:00:c2VjcmV0LXZhbHVl:';

/** [constructed] `/disk print terse` on the RDS2216 described above (one line per item; both value styles). */
export const DISK_TERSE_RDS2216 = crlf(`Flags: E - EMPTY; B - BLOCK-DEVICE; M - MOUNTED; r - RAID-MEMBER; f - RAID-MEMBER-FAILED; t - NVME-TCP-EXPORT; i - ISCSI-EXPORT; n - NFS-EXPORT; s - SMB-EXPORT
 0 Br   type=hardware slot=nvme1 slot-default=nvme1 parent="" model="U.2 SSD 4TG2-P" serial="S3Z9NX0N414501L" interface="PCIe 4.0 x4" fw-version="EDA7602Q" size=3840755982336 fs=- raid-master=storage-pool raid-role=0 raid-member-failed=no raid-member-state="0:in_sync" temperature=34C percentage-used=1% available-spare=100% available-spare-threshold=10% critical-warning=0x00 unsafe-shutdowns=101 unrecovered-integrity-errors=0 power-on-time=4203h nvme-tcp-export=no iscsi-export=no nfs-sharing=no smb-sharing=no
 1 Br   type=hardware slot=nvme2 slot-default=nvme2 parent="" model="U.2 SSD 4TG2-P" serial="S3Z9NX0N414502L" interface="PCIe 4.0 x4" fw-version="EDA7602Q" size=3840755982336 fs=- raid-master=storage-pool raid-role=1 raid-member-failed=no raid-member-state="0:in_sync" temperature=35C percentage-used=2% available-spare=100% available-spare-threshold=10% critical-warning=0x00 unsafe-shutdowns=102 unrecovered-integrity-errors=0 power-on-time=4203h nvme-tcp-export=no iscsi-export=no nfs-sharing=no smb-sharing=no
 2 Br   type=hardware slot=nvme3 slot-default=nvme3 parent="" model="U.2 SSD 4TG2-P" serial="S3Z9NX0N414503L" interface="PCIe 4.0 x4" fw-version="EDA7602Q" size=3840755982336 fs=- raid-master=storage-pool raid-role=2 raid-member-failed=no raid-member-state="0:in_sync" temperature=36C percentage-used=3% available-spare=100% available-spare-threshold=10% critical-warning=0x00 unsafe-shutdowns=103 unrecovered-integrity-errors=0 power-on-time=4203h nvme-tcp-export=no iscsi-export=no nfs-sharing=no smb-sharing=no
 3 Br   type=hardware slot=nvme4 slot-default=nvme4 parent="" model="U.2 SSD 4TG2-P" serial="S3Z9NX0N414504L" interface="PCIe 4.0 x4" fw-version="EDA7602Q" size=3840755982336 fs=- raid-master=storage-pool raid-role=3 raid-member-failed=no raid-member-state="0:in_sync" temperature=37C percentage-used=0% available-spare=100% available-spare-threshold=10% critical-warning=0x00 unsafe-shutdowns=104 unrecovered-integrity-errors=0 power-on-time=4203h nvme-tcp-export=no iscsi-export=no nfs-sharing=no smb-sharing=no
 4 Br   type=hardware slot=nvme5 slot-default=nvme5 parent="" model="U.2 SSD 4TG2-P" serial="S3Z9NX0N414505L" interface="PCIe 4.0 x4" fw-version="EDA7602Q" size=3840755982336 fs=- raid-master=storage-pool raid-role=4 raid-member-failed=no raid-member-state="0:in_sync" temperature=33C percentage-used=1% available-spare=100% available-spare-threshold=10% critical-warning=0x00 unsafe-shutdowns=105 unrecovered-integrity-errors=0 power-on-time=4203h nvme-tcp-export=no iscsi-export=no nfs-sharing=no smb-sharing=no
 5 Br   type=hardware slot=nvme6 slot-default=nvme6 parent="" model="U.2 SSD 4TG2-P" serial="S3Z9NX0N414506L" interface="PCIe 4.0 x4" fw-version="EDA7602Q" size=3840755982336 fs=- raid-master=storage-pool raid-role=5 raid-member-failed=no raid-member-state="0:in_sync" temperature=34C percentage-used=2% available-spare=100% available-spare-threshold=10% critical-warning=0x00 unsafe-shutdowns=106 unrecovered-integrity-errors=0 power-on-time=4203h nvme-tcp-export=no iscsi-export=no nfs-sharing=no smb-sharing=no
 6 Br   type=hardware slot=nvme7 slot-default=nvme7 parent="" model="U.2 SSD 4TG2-P" serial="S3Z9NX0N414507L" interface="PCIe 4.0 x4" fw-version="EDA7602Q" size=3840755982336 fs=- raid-master=storage-pool raid-role=6 raid-member-failed=no raid-member-state="0:in_sync" temperature=35C percentage-used=3% available-spare=100% available-spare-threshold=10% critical-warning=0x00 unsafe-shutdowns=107 unrecovered-integrity-errors=0 power-on-time=4203h nvme-tcp-export=no iscsi-export=no nfs-sharing=no smb-sharing=no
 7 Br   type=hardware slot=nvme8 slot-default=nvme8 parent="" model="U.2 SSD 4TG2-P" serial="S3Z9NX0N414508L" interface="PCIe 4.0 x4" fw-version="EDA7602Q" size=3840755982336 fs=- raid-master=storage-pool raid-role=7 raid-member-failed=no raid-member-state="0:in_sync" temperature=36C percentage-used=0% available-spare=100% available-spare-threshold=10% critical-warning=0x00 unsafe-shutdowns=108 unrecovered-integrity-errors=0 power-on-time=4203h nvme-tcp-export=no iscsi-export=no nfs-sharing=no smb-sharing=no
 8 Br   type=hardware slot=nvme9 slot-default=nvme9 parent="" model="U.2 SSD 4TG2-P" serial="S3Z9NX0N414509L" interface="PCIe 4.0 x4" fw-version="EDA7602Q" size=3840755982336 fs=- raid-master=storage-pool raid-role=8 raid-member-failed=no raid-member-state="0:in_sync" temperature=37C percentage-used=1% available-spare=100% available-spare-threshold=10% critical-warning=0x00 unsafe-shutdowns=109 unrecovered-integrity-errors=0 power-on-time=4203h nvme-tcp-export=no iscsi-export=no nfs-sharing=no smb-sharing=no
 9 Br   type=hardware slot=nvme10 slot-default=nvme10 parent="" model="U.2 SSD 4TG2-P" serial="S3Z9NX0N414510L" interface="PCIe 4.0 x4" fw-version="EDA7602Q" size=3840755982336 fs=- raid-master=storage-pool raid-role=9 raid-member-failed=no raid-member-state="0:in_sync" temperature=33C percentage-used=2% available-spare=100% available-spare-threshold=10% critical-warning=0x00 unsafe-shutdowns=110 unrecovered-integrity-errors=0 power-on-time=4203h nvme-tcp-export=no iscsi-export=no nfs-sharing=no smb-sharing=no
10 Br   type=hardware slot=nvme11 slot-default=nvme11 parent="" model="U.2 SSD 4TG2-P" serial="S3Z9NX0N414511L" interface="PCIe 4.0 x4" fw-version="EDA7602Q" size=3840755982336 fs=- raid-master=storage-pool raid-role=spare raid-member-failed=no raid-member-state="spare" temperature=34C percentage-used=3% available-spare=100% available-spare-threshold=10% critical-warning=0x00 unsafe-shutdowns=111 unrecovered-integrity-errors=0 power-on-time=4203h nvme-tcp-export=no iscsi-export=no nfs-sharing=no smb-sharing=no
11 Br   type=hardware slot=nvme12 slot-default=nvme12 parent="" model="U.2 SSD 4TG2-P" serial="S3Z9NX0N414512L" interface="PCIe 4.0 x4" fw-version="EDA7602Q" size=3840755982336 fs=- raid-master=mirror raid-role=0 raid-member-failed=no raid-member-state="0:in_sync" temperature=35C percentage-used=0% available-spare=100% available-spare-threshold=10% critical-warning=0x00 unsafe-shutdowns=112 unrecovered-integrity-errors=0 power-on-time=4203h nvme-tcp-export=no iscsi-export=no nfs-sharing=no smb-sharing=no
12 Br   type=hardware slot=nvme13 slot-default=nvme13 parent="" model="U.2 SSD 4TG2-P" serial="S3Z9NX0N414513L" interface="PCIe 4.0 x4" fw-version="EDA7602Q" size=3840755982336 fs=- raid-master=mirror raid-role=1 raid-member-failed=no raid-member-state="0:in_sync" temperature=36C percentage-used=1% available-spare=100% available-spare-threshold=10% critical-warning=0x00 unsafe-shutdowns=113 unrecovered-integrity-errors=0 power-on-time=4203h nvme-tcp-export=no iscsi-export=no nfs-sharing=no smb-sharing=no
13 E    type=hardware slot=nvme14 slot-default=nvme14 parent=""
14 E    type=hardware slot=nvme15 slot-default=nvme15 parent=""
15 E    type=hardware slot=nvme16 slot-default=nvme16 parent=""
16 E    type=hardware slot=nvme17 slot-default=nvme17 parent="" last-seen="U.2 SSD 4TG2-P S3Z9NX0N414517L"
17 E    type=hardware slot=nvme18 slot-default=nvme18 parent=""
18 E    type=hardware slot=nvme19 slot-default=nvme19 parent=""
19 E    type=hardware slot=nvme20 slot-default=nvme20 parent=""
20 BM   type=raid slot="storage-pool" slot-default="" parent="" fs-label="storage" fs-uuid="7c1e2d4a-5b6c-4d7e-8f90-a1b2c3d4e5f6" fs=btrfs model="RAID6 2-parity-disks" size=30 726 047 858 688 free=25 092 461 232 128 total-inodes=0 free-inodes=0 use=18% mount-point="storage-pool" mount-filesystem=yes mount-read-only=no raid-type=6 raid-device-count=10 raid-chunk-size=512K raid-master=none state="clean" raid-uuid="eadca0af-1111-2222-3333-444455556666" nvme-tcp-export=no iscsi-export=no nfs-sharing=yes smb-sharing=no
21 BM   type=raid slot="mirror" slot-default="" parent="" fs-label="mirror" fs=xfs model="RAID1 mirrored" size=3 840 620 707 840 free=3 421 300 928 512 total-inodes=375 060 992 free-inodes=375 060 940 use=11% mount-point="mirror" mount-filesystem=yes mount-read-only=no raid-type=1 raid-device-count=2 raid-master=none state="clean" nvme-tcp-export=no iscsi-export=no nfs-sharing=no smb-sharing=yes
22 Bt   type=file slot="vm-storage-001" slot-default="" parent="" fs=- model="/storage-pool/vm-storage-001.img" size=1 099 511 627 776 mount-filesystem=no mount-read-only=no raid-master=none nvme-tcp-export=yes nvme-tcp-server-port=4420 nvme-tcp-server-nqn="nqn.2026-09.com.mikrotik:rds2216.vm-storage-001" nvme-tcp-server-allow-host-name="" nvme-tcp-server-password="hunter2-nvme" nvme-tcp-server-secret="DHHC-1:00:c2VjcmV0LXZhbHVl:" iscsi-export=no nfs-sharing=no smb-sharing=no file-path=/storage-pool/vm-storage-001.img file-size=1024.0GiB file-offset=0
23 Bi   type=file slot="iscsi-lun1" slot-default="" parent="" fs=- model="/storage-pool/iscsi-lun1.img" size=549 755 813 888 mount-filesystem=no raid-master=none nvme-tcp-export=no iscsi-export=yes iscsi-server-port=3260 iscsi-server-iqn="iqn.2026-09.com.mikrotik:rds2216.iscsi-lun1" nfs-sharing=no smb-sharing=no file-path=/storage-pool/iscsi-lun1.img file-size=512.0GiB
`);

/** [constructed] `:serialize to=json [/disk print detail as-value]` of the same device: raw values, booleans, flags as `empty` / `block-device`. */
export const DISK_JSON_RDS2216 = crlf(
  '[{".id":"*1","type":"hardware","slot":"nvme1","slot-default":"nvme1","parent":"","model":"U.2 SSD 4TG2-P","serial":"S3Z9NX0N414501L","interface":"PCIe 4.0 x4","fw-version":"EDA7602Q","size":3840755982336,"fs":"-","raid-master":"storage-pool","raid-role":0,"raid-member-failed":false,"raid-member-state":"0:in_sync","temperature":34,"percentage-used":1,"available-spare":100,"available-spare-threshold":10,"critical-warning":0,"unsafe-shutdowns":101,"unrecovered-integrity-errors":0,"power-on-time":"25w03:00:00","nvme-tcp-export":false,"iscsi-export":false,"nfs-sharing":false,"smb-sharing":false,"block-device":true},{".id":"*2","type":"hardware","slot":"nvme2","slot-default":"nvme2","parent":"","model":"U.2 SSD 4TG2-P","serial":"S3Z9NX0N414502L","interface":"PCIe 4.0 x4","fw-version":"EDA7602Q","size":3840755982336,"fs":"-","raid-master":"storage-pool","raid-role":1,"raid-member-failed":false,"raid-member-state":"0:in_sync","temperature":35,"percentage-used":2,"available-spare":100,"available-spare-threshold":10,"critical-warning":0,"unsafe-shutdowns":102,"unrecovered-integrity-errors":0,"power-on-time":"25w03:00:00","nvme-tcp-export":false,"iscsi-export":false,"nfs-sharing":false,"smb-sharing":false,"block-device":true},{".id":"*3","type":"hardware","slot":"nvme3","slot-default":"nvme3","parent":"","model":"U.2 SSD 4TG2-P","serial":"S3Z9NX0N414503L","interface":"PCIe 4.0 x4","fw-version":"EDA7602Q","size":3840755982336,"fs":"-","raid-master":"storage-pool","raid-role":2,"raid-member-failed":false,"raid-member-state":"0:in_sync","temperature":36,"percentage-used":3,"available-spare":100,"available-spare-threshold":10,"critical-warning":0,"unsafe-shutdowns":103,"unrecovered-integrity-errors":0,"power-on-time":"25w03:00:00","nvme-tcp-export":false,"iscsi-export":false,"nfs-sharing":false,"smb-sharing":false,"block-device":true},{".id":"*4","type":"hardware","slot":"nvme4","slot-default":"nvme4","parent":"","model":"U.2 SSD 4TG2-P","serial":"S3Z9NX0N414504L","interface":"PCIe 4.0 x4","fw-version":"EDA7602Q","size":3840755982336,"fs":"-","raid-master":"storage-pool","raid-role":3,"raid-member-failed":false,"raid-member-state":"0:in_sync","temperature":37,"percentage-used":0,"available-spare":100,"available-spare-threshold":10,"critical-warning":0,"unsafe-shutdowns":104,"unrecovered-integrity-errors":0,"power-on-time":"25w03:00:00","nvme-tcp-export":false,"iscsi-export":false,"nfs-sharing":false,"smb-sharing":false,"block-device":true},{".id":"*5","type":"hardware","slot":"nvme5","slot-default":"nvme5","parent":"","model":"U.2 SSD 4TG2-P","serial":"S3Z9NX0N414505L","interface":"PCIe 4.0 x4","fw-version":"EDA7602Q","size":3840755982336,"fs":"-","raid-master":"storage-pool","raid-role":4,"raid-member-failed":false,"raid-member-state":"0:in_sync","temperature":33,"percentage-used":1,"available-spare":100,"available-spare-threshold":10,"critical-warning":0,"unsafe-shutdowns":105,"unrecovered-integrity-errors":0,"power-on-time":"25w03:00:00","nvme-tcp-export":false,"iscsi-export":false,"nfs-sharing":false,"smb-sharing":false,"block-device":true},{".id":"*6","type":"hardware","slot":"nvme6","slot-default":"nvme6","parent":"","model":"U.2 SSD 4TG2-P","serial":"S3Z9NX0N414506L","interface":"PCIe 4.0 x4","fw-version":"EDA7602Q","size":3840755982336,"fs":"-","raid-master":"storage-pool","raid-role":5,"raid-member-failed":false,"raid-member-state":"0:in_sync","temperature":34,"percentage-used":2,"available-spare":100,"available-spare-threshold":10,"critical-warning":0,"unsafe-shutdowns":106,"unrecovered-integrity-errors":0,"power-on-time":"25w03:00:00","nvme-tcp-export":false,"iscsi-export":false,"nfs-sharing":false,"smb-sharing":false,"block-device":true},{".id":"*7","type":"hardware","slot":"nvme7","slot-default":"nvme7","parent":"","model":"U.2 SSD 4TG2-P","serial":"S3Z9NX0N414507L","interface":"PCIe 4.0 x4","fw-version":"EDA7602Q","size":3840755982336,"fs":"-","raid-master":"storage-pool","raid-role":6,"raid-member-failed":false,"raid-member-state":"0:in_sync","temperature":35,"percentage-used":3,"available-spare":100,"available-spare-threshold":10,"critical-warning":0,"unsafe-shutdowns":107,"unrecovered-integrity-errors":0,"power-on-time":"25w03:00:00","nvme-tcp-export":false,"iscsi-export":false,"nfs-sharing":false,"smb-sharing":false,"block-device":true},{".id":"*8","type":"hardware","slot":"nvme8","slot-default":"nvme8","parent":"","model":"U.2 SSD 4TG2-P","serial":"S3Z9NX0N414508L","interface":"PCIe 4.0 x4","fw-version":"EDA7602Q","size":3840755982336,"fs":"-","raid-master":"storage-pool","raid-role":7,"raid-member-failed":false,"raid-member-state":"0:in_sync","temperature":36,"percentage-used":0,"available-spare":100,"available-spare-threshold":10,"critical-warning":0,"unsafe-shutdowns":108,"unrecovered-integrity-errors":0,"power-on-time":"25w03:00:00","nvme-tcp-export":false,"iscsi-export":false,"nfs-sharing":false,"smb-sharing":false,"block-device":true},{".id":"*9","type":"hardware","slot":"nvme9","slot-default":"nvme9","parent":"","model":"U.2 SSD 4TG2-P","serial":"S3Z9NX0N414509L","interface":"PCIe 4.0 x4","fw-version":"EDA7602Q","size":3840755982336,"fs":"-","raid-master":"storage-pool","raid-role":8,"raid-member-failed":false,"raid-member-state":"0:in_sync","temperature":37,"percentage-used":1,"available-spare":100,"available-spare-threshold":10,"critical-warning":0,"unsafe-shutdowns":109,"unrecovered-integrity-errors":0,"power-on-time":"25w03:00:00","nvme-tcp-export":false,"iscsi-export":false,"nfs-sharing":false,"smb-sharing":false,"block-device":true},{".id":"*A","type":"hardware","slot":"nvme10","slot-default":"nvme10","parent":"","model":"U.2 SSD 4TG2-P","serial":"S3Z9NX0N414510L","interface":"PCIe 4.0 x4","fw-version":"EDA7602Q","size":3840755982336,"fs":"-","raid-master":"storage-pool","raid-role":9,"raid-member-failed":false,"raid-member-state":"0:in_sync","temperature":33,"percentage-used":2,"available-spare":100,"available-spare-threshold":10,"critical-warning":0,"unsafe-shutdowns":110,"unrecovered-integrity-errors":0,"power-on-time":"25w03:00:00","nvme-tcp-export":false,"iscsi-export":false,"nfs-sharing":false,"smb-sharing":false,"block-device":true},{".id":"*B","type":"hardware","slot":"nvme11","slot-default":"nvme11","parent":"","model":"U.2 SSD 4TG2-P","serial":"S3Z9NX0N414511L","interface":"PCIe 4.0 x4","fw-version":"EDA7602Q","size":3840755982336,"fs":"-","raid-master":"storage-pool","raid-role":"spare","raid-member-failed":false,"raid-member-state":"spare","temperature":34,"percentage-used":3,"available-spare":100,"available-spare-threshold":10,"critical-warning":0,"unsafe-shutdowns":111,"unrecovered-integrity-errors":0,"power-on-time":"25w03:00:00","nvme-tcp-export":false,"iscsi-export":false,"nfs-sharing":false,"smb-sharing":false,"block-device":true},{".id":"*C","type":"hardware","slot":"nvme12","slot-default":"nvme12","parent":"","model":"U.2 SSD 4TG2-P","serial":"S3Z9NX0N414512L","interface":"PCIe 4.0 x4","fw-version":"EDA7602Q","size":3840755982336,"fs":"-","raid-master":"mirror","raid-role":0,"raid-member-failed":false,"raid-member-state":"0:in_sync","temperature":35,"percentage-used":0,"available-spare":100,"available-spare-threshold":10,"critical-warning":0,"unsafe-shutdowns":112,"unrecovered-integrity-errors":0,"power-on-time":"25w03:00:00","nvme-tcp-export":false,"iscsi-export":false,"nfs-sharing":false,"smb-sharing":false,"block-device":true},{".id":"*D","type":"hardware","slot":"nvme13","slot-default":"nvme13","parent":"","model":"U.2 SSD 4TG2-P","serial":"S3Z9NX0N414513L","interface":"PCIe 4.0 x4","fw-version":"EDA7602Q","size":3840755982336,"fs":"-","raid-master":"mirror","raid-role":1,"raid-member-failed":false,"raid-member-state":"0:in_sync","temperature":36,"percentage-used":1,"available-spare":100,"available-spare-threshold":10,"critical-warning":0,"unsafe-shutdowns":113,"unrecovered-integrity-errors":0,"power-on-time":"25w03:00:00","nvme-tcp-export":false,"iscsi-export":false,"nfs-sharing":false,"smb-sharing":false,"block-device":true},{".id":"*E","type":"hardware","slot":"nvme14","slot-default":"nvme14","parent":"","empty":true},{".id":"*F","type":"hardware","slot":"nvme15","slot-default":"nvme15","parent":"","empty":true},{".id":"*10","type":"hardware","slot":"nvme16","slot-default":"nvme16","parent":"","empty":true},{".id":"*11","type":"hardware","slot":"nvme17","slot-default":"nvme17","parent":"","last-seen":"U.2 SSD 4TG2-P S3Z9NX0N414517L","empty":true},{".id":"*12","type":"hardware","slot":"nvme18","slot-default":"nvme18","parent":"","empty":true},{".id":"*13","type":"hardware","slot":"nvme19","slot-default":"nvme19","parent":"","empty":true},{".id":"*14","type":"hardware","slot":"nvme20","slot-default":"nvme20","parent":"","empty":true},{".id":"*15","type":"raid","slot":"storage-pool","slot-default":"","parent":"","fs-label":"storage","fs-uuid":"7c1e2d4a-5b6c-4d7e-8f90-a1b2c3d4e5f6","fs":"btrfs","model":"RAID6 2-parity-disks","size":30726047858688,"free":25092461232128,"total-inodes":0,"free-inodes":0,"use":18,"mount-point":"storage-pool","mount-filesystem":true,"mount-read-only":false,"raid-type":6,"raid-device-count":10,"raid-chunk-size":"512K","raid-master":"none","state":"clean","raid-uuid":"eadca0af-1111-2222-3333-444455556666","nvme-tcp-export":false,"iscsi-export":false,"nfs-sharing":true,"smb-sharing":false,"block-device":true},{".id":"*16","type":"raid","slot":"mirror","slot-default":"","parent":"","fs-label":"mirror","fs":"xfs","model":"RAID1 mirrored","size":3840620707840,"free":3421300928512,"total-inodes":375060992,"free-inodes":375060940,"use":11,"mount-point":"mirror","mount-filesystem":true,"mount-read-only":false,"raid-type":1,"raid-device-count":2,"raid-master":"none","state":"clean","nvme-tcp-export":false,"iscsi-export":false,"nfs-sharing":false,"smb-sharing":true,"block-device":true},{".id":"*17","type":"file","slot":"vm-storage-001","slot-default":"","parent":"","fs":"-","model":"/storage-pool/vm-storage-001.img","size":1099511627776,"mount-filesystem":false,"mount-read-only":false,"raid-master":"none","nvme-tcp-export":true,"nvme-tcp-server-port":4420,"nvme-tcp-server-nqn":"nqn.2026-09.com.mikrotik:rds2216.vm-storage-001","nvme-tcp-server-allow-host-name":"","nvme-tcp-server-password":"hunter2-nvme","nvme-tcp-server-secret":"DHHC-1:00:c2VjcmV0LXZhbHVl:","iscsi-export":false,"nfs-sharing":false,"smb-sharing":false,"file-path":"/storage-pool/vm-storage-001.img","file-size":1099511627776,"file-offset":0,"block-device":true},{".id":"*18","type":"file","slot":"iscsi-lun1","slot-default":"","parent":"","fs":"-","model":"/storage-pool/iscsi-lun1.img","size":549755813888,"mount-filesystem":false,"raid-master":"none","nvme-tcp-export":false,"iscsi-export":true,"iscsi-server-port":3260,"iscsi-server-iqn":"iqn.2026-09.com.mikrotik:rds2216.iscsi-lun1","nfs-sharing":false,"smb-sharing":false,"file-path":"/storage-pool/iscsi-lun1.img","file-size":549755813888,"block-device":true}]' + '\n',
);

/** [constructed] `/disk btrfs filesystem print terse`: a healthy filesystem and one with a missing device, errors and a scrub running. */
export const BTRFS_TERSE = crlf(`Flags: I - MISSING-DEVICES; b - BALANCING; r - REPLACING; s - SCRUBBING
 0       label="storage" uuid="7c1e2d4a-5b6c-4d7e-8f90-a1b2c3d4e5f6" dev-ids=1 devs=storage-pool default-subvolume=5 spaces="data,metadata,system" balance-status="" replace-status="" scrub-status="finished" write-errors=0 read-errors=0 flush-errors=0 corruption-errors=0 generation-errors=0 about=""
 1 I   s label="backup" uuid="0a1b2c3d-0000-4000-8000-000000000001" dev-ids=1,2 devs=nvme14,missing default-subvolume=5 balance-status="" replace-status="" scrub-status="running" write-errors=12 read-errors=3 flush-errors=0 corruption-errors=2 generation-errors=0 about="device nvme15 missing; corruption errors"
`);

/** [constructed] the JSON form of {@link BTRFS_TERSE}. */
export const BTRFS_JSON = crlf(
  '[{".id":"*1","label":"storage","uuid":"7c1e2d4a-5b6c-4d7e-8f90-a1b2c3d4e5f6","dev-ids":1,"devs":["storage-pool"],"default-subvolume":5,"balance-status":"","replace-status":"","scrub-status":"finished","write-errors":0,"read-errors":0,"flush-errors":0,"corruption-errors":0,"generation-errors":0,"about":""},{".id":"*2","label":"backup","uuid":"0a1b2c3d-0000-4000-8000-000000000001","dev-ids":"1,2","devs":["nvme14","missing"],"default-subvolume":5,"balance-status":"","replace-status":"","scrub-status":"running","write-errors":12,"read-errors":3,"flush-errors":0,"corruption-errors":2,"generation-errors":0,"about":"device nvme15 missing; corruption errors"}]\n',
);

/** [captured] `/disk smart-info nvme1` on an RDS2216 (routeros.md S26). */
export const SMART_INFO_NVME1 = crlf(`Columns: OUTPUT
smartctl 7.1 2019-12-30 r5022 [aarch64-linux-5.6.3]
Model Number:                       U.2 SSD 4TG2-P
SMART overall-health self-assessment test result: PASSED
Critical Warning:                   0x00
Temperature:                        33 Celsius
Available Spare:                    100%
Percentage Used:                    0%
Power On Hours:                     4,203
Unsafe Shutdowns:                   105
Media and Data Integrity Errors:    0

`);

/**
 * [constructed] `/interface print stats-detail` as exec prints it (wrapped at about 80 columns),
 * from the captured fragment `0 R name="ether1" last-link-down-time=2022-07-19 12:37:06 ...
 * link-downs=2 rx-byte=205 164 277 ...` (routeros.md S23); a bridge slave omits the drop and error fields.
 */
export const INTERFACES_STATS_DETAIL = crlf(`Flags: D - DYNAMIC; X - DISABLED; R - RUNNING; S - SLAVE
 0  R  name="ether1" default-name="ether1" type="ether" mtu=1500 actual-mtu=1500
       last-link-down-time=2022-07-19 12:37:06 last-link-up-time=2022-07-19 12:37:10
       link-downs=2 rx-byte=205 164 277 tx-byte=147 887 338 rx-packet=158 132
       tx-packet=150 015 rx-drop=0 tx-drop=0 tx-queue-drop=2 rx-error=0 tx-error=0

 1  X  name="ether2" default-name="ether2" type="ether" mtu=1500 link-downs=0
       rx-byte=0 tx-byte=0 rx-drop=0 tx-drop=0 rx-error=0 tx-error=0

 2  RS name="sfp28-1" default-name="sfp28-1" type="ether" mtu=1500
       last-link-up-time=2026-09-02 08:00:01 link-downs=1 rx-byte=91 238 412 907
       tx-byte=88 120 004 113

 3  R  name="bridge1" type="bridge" mtu=auto link-downs=0 rx-byte=1 024 tx-byte=2 048
       rx-drop=5 tx-drop=0 rx-error=0 tx-error=0

`);

/** [constructed] the JSON form (`:serialize to=json [/interface print stats-detail as-value]`). */
export const INTERFACES_JSON = crlf(
  '[{".id":"*1","name":"ether1","type":"ether","running":true,"disabled":false,"link-downs":2,"rx-byte":205164277,"tx-byte":147887338,"rx-drop":0,"tx-drop":0,"rx-error":0,"tx-error":0,"last-link-down-time":"2022-07-19 12:37:06"},{".id":"*2","name":"ether2","type":"ether","running":false,"disabled":true,"link-downs":0,"rx-byte":0,"tx-byte":0},{".id":"*3","name":"sfp28-1","type":"ether","running":true,"disabled":false,"slave":true,"link-downs":1,"rx-byte":91238412907,"tx-byte":88120004113}]\n',
);

/** [constructed] `/system package print terse` on the RDS2216, and its JSON form. */
export const PACKAGES_TERSE = crlf(` 0   name=routeros version=7.24.1 build-time=2026-09-01 10:00:00 scheduled=""
 1   name=rose-storage version=7.24.1 build-time=2026-09-01 10:00:00 scheduled=""
 2   name=container version=7.24.1 build-time=2026-09-01 10:00:00 scheduled=""

`);
export const PACKAGES_JSON = crlf(
  '[{".id":"*1","name":"routeros","version":"7.24.1","build-time":"2026-09-01 10:00:00","disabled":false},{".id":"*2","name":"rose-storage","version":"7.24.1","build-time":"2026-09-01 10:00:00","disabled":false}]\n',
);
/** [constructed] a RouterOS device without rose-storage (and one where it is installed but disabled). */
export const PACKAGES_TERSE_PLAIN = crlf(` 0   name=routeros version=7.24.1 build-time=2026-09-01 10:00:00 scheduled=""

`);
export const PACKAGES_TERSE_STORAGE_DISABLED = crlf(` 0   name=routeros version=7.24.1 build-time=2026-09-01 10:00:00 scheduled=""
 1 X name=rose-storage version=7.24.1 build-time=2026-09-01 10:00:00 scheduled=""

`);

/** [captured grammar, routeros.md S5-S8] what an older RouterOS answers for what it lacks. */
export const BAD_COMMAND_SERIALIZE = 'bad command name serialize (line 1 column 7)\r\n';
export const SYNTAX_ERROR = 'syntax error (line 1 column 8)\r\n';
export const BAD_COMMAND_SMART_INFO = 'bad command name smart-info (line 1 column 7)\r\n';
export const BAD_COMMAND_BTRFS = 'bad command name btrfs (line 1 column 7)\r\n';
export const BAD_COMMAND_DISK = 'bad command name disk (line 1 column 2)\r\n';

/** [captured] `/disk monitor-traffic storage-pool once` on an RDS (rds-csi TestParseDiskMetrics). */
export const MONITOR_TRAFFIC_STORAGE_POOL = crlf(`                  slot:    storage-pool
              read-ops:         243 401
   read-ops-per-second:               0
            read-bytes:  33 131 503 616
             read-rate:            0bps
           read-merges:               0
             read-time:             0ms
             write-ops:      17 667 231
  write-ops-per-second:              76
           write-bytes: 515 659 673 600
            write-rate:        12.8Mbps
          write-merges:               0
            write-time:             0ms
         in-flight-ops:               0
           active-time:             0ms
             wait-time:             0ms
           discard-ops:               0
         discard-bytes:               0
        discard-merges:               0
          discard-time:             0ms
             flush-ops:               0
            flush-time:             0ms
`);
