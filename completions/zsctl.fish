# fish completion for zsctl(8)
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Verbs, their options, zram device names (live ones, or those of the dump
# given with --sysroot), output columns for status -o, attribute names for
# get and set, and the values zsctl set takes where they are a short list.
# The lists are those of zsctl --help and zsctl VERB --help; a test
# (tests/docs/check-completions.sh) keeps them so.

# The words before the verb: global options and --sysroot's argument.
# Prints the verb and returns 0, or returns 1 when there is none yet.
function __zsctl_verb
    set -l tokens (commandline -opc)
    set -e tokens[1]
    while set -q tokens[1]
        switch $tokens[1]
            case --sysroot
                set -e tokens[1]
            case '-*'
            case '*'
                echo $tokens[1]
                return 0
        end
        set -e tokens[1]
    end
    return 1
end

function __zsctl_no_verb
    not __zsctl_verb >/dev/null
end

# __zsctl_using_verb VERB...: the verb on the command line is one of these
function __zsctl_using_verb
    set -l verb (__zsctl_verb)
    or return 1
    contains -- $verb $argv
end

# The system root in use: --sysroot's argument, else / (printed without
# its trailing slash: "" for /).
function __zsctl_root
    set -l tokens (commandline -opc)
    set -l root /
    set -l i 2
    while test $i -le (count $tokens)
        switch $tokens[$i]
            case --sysroot
                set i (math $i + 1)
                set -q tokens[$i]; and set root $tokens[$i]
            case '--sysroot=*'
                set root (string replace -- --sysroot= '' $tokens[$i])
            case '-*'
            case '*'
                break
        end
        set i (math $i + 1)
    end
    string replace -r -- '/+$' '' $root
end

# zramN and /dev/zramN below the system root; partitions (zram0p1) and
# other block devices are not devices of ours.
function __zsctl_devices
    set -l root (__zsctl_root)
    for d in $root/sys/block/zram*
        set -l n (string replace -r -- '.*/' '' $d)
        string match -qr -- '^zram(0|[1-9][0-9]{0,8})$' $n; or continue
        printf '%s\tzram device\n/dev/%s\tzram device\n' $n $n
    end
end

# top --pool: the devices, and zswap's zsmalloc pools when debugfs shows them
function __zsctl_pools
    __zsctl_devices
    set -l root (__zsctl_root)
    for p in $root/sys/kernel/debug/zsmalloc/zswap*
        printf '%s\tzswap pool\n' (string replace -r -- '.*/' '' $p)
    end
end

# The device named after the verb, if any
function __zsctl_device_arg
    set -l tokens (commandline -opc)
    set -l seen_verb
    set -e tokens[1]
    while set -q tokens[1]
        if not set -q seen_verb[1]
            switch $tokens[1]
                case --sysroot
                    set -e tokens[1]
                case '-*'
                case '*'
                    set seen_verb 1
            end
        else if string match -qr -- '^(/dev/)?zram[0-9]+$' $tokens[1]
            string replace -- /dev/ '' $tokens[1]
            return 0
        end
        set -e tokens[1]
    end
    return 1
end

function __zsctl_has_device
    __zsctl_device_arg >/dev/null
end

# status -o LIST: comma-separated columns, '+' in front appends to the
# defaults; a column already in the list is not offered again.
function __zsctl_columns
    set -l cur (commandline -ct)
    set cur (string replace -r -- '^--output=' '' $cur)
    set -l prefix (string match -r -- '^.*,' $cur)
    or set prefix (string match -r -- '^\+' $cur)
    set -l used (string split , -- (string upper -- (string replace -r -- '^\+' '' $prefix)))
    # +LIST appends to the defaults: they are in it already
    string match -q -- '+*' $prefix
    and set used $used NAME DISKSIZE ALGORITHM DATA COMPR TOTAL RATIO FRAG COMPACTABLE USED-BY
    for c in \
        'NAME	zram device name' \
        'DISKSIZE	limit on the uncompressed amount of data' \
        'ALGORITHM	the selected compression algorithm' \
        'DATA	uncompressed size of stored data (orig_data_size)' \
        'COMPR	compressed size of stored data (compr_data_size)' \
        'TOTAL	memory used, allocator overhead included (mem_used_total)' \
        'SAVED	DATA - TOTAL: memory saved (same-filled pages cost nothing)' \
        'RAM-SHARE	TOTAL as a share of the machine\'s memory (MemTotal)' \
        'RATIO	DATA / COMPR; same-filled pages count in DATA, not in COMPR' \
        'FRAG	zsmalloc fragmentation; ~ marks an estimate from mm_stat' \
        'COMPACTABLE	memory compaction would free; ~ marks an estimate' \
        'BASIS	what COMPACTABLE rests on: classes, model, learned or overhead' \
        "LEFT	overhead the device's last compaction left (the estimate's floor)" \
        'FRAG-EST	1 when FRAG is an estimate from mm_stat, 0 when exact' \
        'COMPACTABLE-EST	1 when COMPACTABLE is an estimate from mm_stat' \
        'USED-BY	mount point, or [SWAP]' \
        'STATE	initialised or uninitialised (initstate)' \
        'OVERHEAD	TOTAL - COMPR: what the allocator costs' \
        'MEM-LIMIT	memory limit, 0 for none (mem_limit)' \
        'MEM-USED-MAX	peak of TOTAL (mem_used_max)' \
        'SAME-PAGES	pages of one repeated value, stored without memory' \
        'PAGES-COMPACTED	pages freed by compaction so far' \
        'HUGE-PAGES	incompressible pages stored whole' \
        'HUGE-PAGES-SINCE	incompressible pages stored since set-up' \
        'COMPACT-GATED	compactions turned away by zsmalloc (patched kernels)' \
        'FAILED-READS	failed reads (io_stat)' \
        'FAILED-WRITES	failed writes (io_stat)' \
        'INVALID-IO	unaligned or out-of-range requests (io_stat)' \
        'NOTIFY-FREE	pages freed by discards and freed swap slots (io_stat)' \
        'BD-COUNT	4K pages now on the backing device (bd_stat)' \
        'BD-READS	4K pages read from the backing device (bd_stat)' \
        'BD-WRITES	4K pages written to the backing device (bd_stat)' \
        'WRITESTALL	writes that waited for memory (debug_stat)' \
        'MISS-FREE	slot frees missed for contention (debug_stat)' \
        'STREAMS	compression streams (max_comp_streams, old kernels)' \
        'BACKING-DEV	writeback device (backing_dev)' \
        'WB-LIMIT	writeback budget in 4K pages, when enabled' \
        'MOUNTPOINT	where the device is mounted' \
        'SWAP-SIZE	swap area size' \
        'SWAP-USED	swap in use' \
        'SWAP-PRIO	swap priority' \
        'RECOMPRESS	maintain can recompress here: yes, or why not' \
        'WRITEBACK	maintain can write back here: yes, or why not' \
        'ACCESS-TIMES	idle takes an age (access times tracked): yes, or no-access-times' \
        'BUSY	what zsctl maintain or compact does to it now: recompress, writeback, compact'
        set -l name (string split -f1 \t -- $c)
        contains -- $name $used; and continue
        printf '%s%s\n' $prefix $c
    end
end

# The attributes zsctl get (r) or zsctl set (w) takes: those the device
# named has below the system root, else all of them.
function __zsctl_attrs
    set -l mode $argv[1]
    set -l attrs
    if test "$mode" = r
        set attrs \
            'disksize	the most uncompressed data the device holds' \
            'initstate	1 once disksize is set, until reset' \
            'comp_algorithm	the compression algorithm' \
            'max_comp_streams	compression streams' \
            'backing_dev	the block device pages are written back to' \
            'writeback_limit_enable	1 when writeback_limit applies' \
            'writeback_limit	how much writeback may still write, in 4K pages' \
            'writeback_batch_size	how many pages writeback has in flight at once' \
            'compressed_writeback	1: writeback writes pages compressed, as they are stored' \
            'writeback_compressed	compressed_writeback as Android kernels spell it' \
            'recomp_algorithm	the secondary algorithms used by recompress' \
            'mm_stat	memory statistics' \
            'io_stat	I/O failure statistics' \
            'bd_stat	backing device statistics, in 4K pages' \
            'debug_stat	debugging statistics'
    else
        set attrs \
            'disksize	a size in bytes or with a unit (4G, 512M), more than 0' \
            'comp_algorithm	one of the algorithms the attribute lists' \
            'max_comp_streams	a number of streams, 1 or more' \
            'backing_dev	the absolute path of a block device' \
            'writeback_limit_enable	0 or 1' \
            'writeback_limit	a number of 4K pages, or a size with a unit (1G)' \
            'writeback_batch_size	a number of pages, 1 to 4294967295' \
            'compressed_writeback	0 or 1' \
            'writeback_compressed	0 or 1' \
            'recomp_algorithm	algo=NAME[,priority=1..3]' \
            'algorithm_params	algo=NAME|priority=N[,level=N][,dict=PATH]' \
            'mem_limit	a size in bytes or with a unit (1G), 0 for no limit' \
            'mem_used_max	0 (resets the peak to the current use)' \
            'idle	all, or an age (3600, 1h)' \
            'writeback	idle, huge, huge_idle, incompressible, page_index=N, or type=, page_indexes=LO-HI' \
            'recompress	KEY=VALUE,... of type, threshold, algo, max_pages, priority'
    end
    set -l dev (__zsctl_device_arg)
    set -l root (__zsctl_root)
    for a in $attrs
        set -l name (string split -f1 \t -- $a)
        if set -q dev[1]; and not test -e $root/sys/block/$dev/$name
            continue
        end
        if test "$mode" = w
            # ATTR=, then the value
            string replace -- \t =\t $a
        else
            echo $a
        end
    end
end

# The compression algorithms the kernel offers: the device's comp_algorithm
# (argument 1) or any device's below the system root, else the usual ones.
function __zsctl_algorithms
    set -l root (__zsctl_root)
    set -l files $root/sys/block/zram*/comp_algorithm
    set -q argv[1]; and set files $root/sys/block/$argv[1]/comp_algorithm
    for f in $files
        test -r $f; or continue
        read -l line <$f
        set -l values (string split -n ' ' -- (string replace -ra -- '[\[\]]' '' $line))
        if set -q values[1]
            printf '%s\n' $values
            return 0
        end
    end
    printf '%s\n' lzo lzo-rle lz4 lz4hc zstd deflate 842
end

# zsctl set DEVICE ATTR=VALUE: the attributes, then the value where the
# choices are few.
function __zsctl_set_args
    set -l cur (commandline -ct)
    if not string match -q -- '*=*' $cur
        __zsctl_attrs w
        return
    end
    set -l attr (string split -m1 -f1 = -- $cur)
    set -l dev (__zsctl_device_arg)
    set -l values
    switch $attr
        case comp_algorithm
            set values (__zsctl_algorithms $dev)
        case writeback_limit_enable compressed_writeback writeback_compressed
            set values 0 1
        case mem_used_max
            set values 0
        case idle
            set values all
        case writeback
            set values idle huge huge_idle incompressible page=
        case recompress
            set -l done (string replace -r -- '^recompress=' '' $cur)
            set -l head (string match -r -- '^.*,' $done)
            for k in type=huge type=idle type=huge_idle threshold= algo= max_pages= priority=
                set -l key (string split -f1 = -- $k)
                string match -q -- "*$key=*" $head; and continue
                set values $values $head$k
            end
        case backing_dev
            for b in /dev/*
                test -b $b; and set values $values $b
            end
    end
    for v in $values
        printf '%s=%s\n' $attr $v
    end
end

complete -c zsctl -f

# global options and verbs
complete -c zsctl -n __zsctl_no_verb -l sysroot -x -a '(__fish_complete_directories)' -d 'read sys/, proc/ and debugfs below DIR (a dump) instead of /'
complete -c zsctl -n __zsctl_no_verb -s h -l help -d 'display this help'
complete -c zsctl -n __zsctl_no_verb -s V -l version -d 'display version'
complete -c zsctl -n __zsctl_no_verb -a status -d 'show zram devices, their memory and fragmentation'
complete -c zsctl -n __zsctl_no_verb -a compact -d 'compact zsmalloc pools where it pays, one owner at a time'
complete -c zsctl -n __zsctl_no_verb -a maintain -d 'recompress, write back and compact, one owner at a time'
complete -c zsctl -n __zsctl_no_verb -a top -d 'a live view of devices and size-class fragmentation'
complete -c zsctl -n __zsctl_no_verb -a get -d "print a zram device's attributes"
complete -c zsctl -n __zsctl_no_verb -a set -d 'set zram attributes, validated, in a safe order'
complete -c zsctl -n __zsctl_no_verb -a add -d 'make a zram device and set it up (size, algorithm, ...)'
complete -c zsctl -n __zsctl_no_verb -a remove -d 'remove zram devices, refusing one in use'
complete -c zsctl -n __zsctl_no_verb -a dump -d 'write what --sysroot reads to a tarball, for a bug report'

# status
complete -c zsctl -n '__zsctl_using_verb status' -s o -l output -x -a '(__zsctl_columns)' -d 'columns to show (+LIST appends to the default)'
complete -c zsctl -n '__zsctl_using_verb status' -l output-all -d 'show every column'
complete -c zsctl -n '__zsctl_using_verb status' -s b -l bytes -d 'print sizes in bytes'
complete -c zsctl -n '__zsctl_using_verb status' -s n -l noheadings -d 'do not print headings'
complete -c zsctl -n '__zsctl_using_verb status' -s r -l raw -d 'raw output: one space between fields, no alignment'
complete -c zsctl -n '__zsctl_using_verb status' -s J -l json -d 'JSON output: every kernel value and the derived ones'
complete -c zsctl -n '__zsctl_using_verb status' -l classes -d 'per-class zsmalloc statistics (needs root and debugfs)'
complete -c zsctl -n '__zsctl_using_verb status' -l cgroups -d 'zswap per cgroup (cgroup v2), most zswap RAM first'
complete -c zsctl -n '__zsctl_using_verb status' -l rates -d 'counters per second since the previous --rates run'
complete -c zsctl -n '__zsctl_using_verb status' -l ages -d 'slot ages and what maintain\'s idle ages would select'
complete -c zsctl -n '__zsctl_using_verb status' -l age -x -d 'with --ages, what this idle age would select too'
complete -c zsctl -n '__zsctl_using_verb status' -l format -x -a 'table json prometheus' -d 'output format'
complete -c zsctl -n '__zsctl_using_verb status' -l prom-file -r -F -d 'Prometheus output, replacing PATH atomically (textfile)'
complete -c zsctl -n '__zsctl_using_verb status' -l lock-file -r -F -d 'the compaction gate\'s lock file, as compact\'s option'
complete -c zsctl -n '__zsctl_using_verb status' -l state-file -r -F -d 'the compaction state file, as compact\'s option'
complete -c zsctl -n '__zsctl_using_verb status' -s h -l help -d 'display this help'
complete -c zsctl -n '__zsctl_using_verb status' -a '(__zsctl_devices)'

# compact
complete -c zsctl -n '__zsctl_using_verb compact' -s w -l wait -x -d 'wait up to SECS (fractions allowed) for the gate'
complete -c zsctl -n '__zsctl_using_verb compact' -s E -l conflict-exit-code -x -d 'exit status when the gate is held (default 1)'
complete -c zsctl -n '__zsctl_using_verb compact' -l min-gain -x -d 'compact when it would free at least SIZE (default 1M)'
complete -c zsctl -n '__zsctl_using_verb compact' -l min-frag -x -d 'or when fragmentation is at least PERCENT (default 50)'
complete -c zsctl -n '__zsctl_using_verb compact' -l min-interval -x -d 'skip a device compacted less than DURATION ago'
complete -c zsctl -n '__zsctl_using_verb compact' -l force -d 'ignore --min-gain and --min-frag'
complete -c zsctl -n '__zsctl_using_verb compact' -l dry-run -d 'say what would be done; change nothing'
complete -c zsctl -n '__zsctl_using_verb compact' -l lock-file -r -F -d 'the gate\'s lock file'
complete -c zsctl -n '__zsctl_using_verb compact' -l state-file -r -F -d 'the state file'
complete -c zsctl -n '__zsctl_using_verb compact' -s q -l quiet -d 'print errors only (for cron)'
complete -c zsctl -n '__zsctl_using_verb compact' -s J -l json -d 'JSON output'
complete -c zsctl -n '__zsctl_using_verb compact' -s h -l help -d 'display this help'
complete -c zsctl -n '__zsctl_using_verb compact' -a '(__zsctl_devices)'

# top
complete -c zsctl -n '__zsctl_using_verb top' -s d -l delay -x -d 'refresh every SECS seconds (default 2)'
complete -c zsctl -n '__zsctl_using_verb top' -s p -l pool -x -a '(__zsctl_pools)' -d 'select this device or pool'
complete -c zsctl -n '__zsctl_using_verb top' -s b -l bytes -d 'print sizes in bytes (as status -b; the b key)'
complete -c zsctl -n '__zsctl_using_verb top' -l batch -d 'plain-text frames on stdout, no curses'
complete -c zsctl -n '__zsctl_using_verb top' -l iterations -x -d 'stop after N frames'
complete -c zsctl -n '__zsctl_using_verb top' -l sort -x -a 'freeable frag size used zswap zswpin zswpout zswpwb' -d 'sort classes (or the zswap panel) by KEY'
complete -c zsctl -n '__zsctl_using_verb top' -l reverse -d 'reverse the sort order'
complete -c zsctl -n '__zsctl_using_verb top' -l zswap -d 'the zswap panel: zswap per cgroup'
complete -c zsctl -n '__zsctl_using_verb top' -l ages -d "the ages panel: slots by age, what maintain's ages select"
complete -c zsctl -n '__zsctl_using_verb top' -l lock-file -r -F -d 'the compaction gate\'s lock file, as compact\'s option'
complete -c zsctl -n '__zsctl_using_verb top' -l state-file -r -F -d 'the compaction state file, as compact\'s option'
complete -c zsctl -n '__zsctl_using_verb top' -s h -l help -d 'display this help'
complete -c zsctl -n '__zsctl_using_verb top' -a '(__zsctl_devices)'

# get: a device, then its attributes; without a device, every device's
complete -c zsctl -n '__zsctl_using_verb get' -s w -l wait -x -d 'wait up to SECS for zsctl maintain to leave the device'
complete -c zsctl -n '__zsctl_using_verb get' -s J -l json -d 'JSON output'
complete -c zsctl -n '__zsctl_using_verb get' -s h -l help -d 'display this help'
complete -c zsctl -n '__zsctl_using_verb get; and not __zsctl_has_device' -a '(__zsctl_devices)'
complete -c zsctl -n '__zsctl_using_verb get' -a '(__zsctl_attrs r)'

# set --cgroup: the cgroups below the usual cgroup2 mount, as status --cgroups names them
function __zsctl_cgroups
    set -l base (__zsctl_root)/sys/fs/cgroup
    for d in $base/**/
        string replace -r -- '/$' '' (string replace -- $base '' $d)
    end
end

# set: a device, then ATTR=VALUE
complete -c zsctl -n '__zsctl_using_verb set' -l dry-run -d 'print what would be written; write nothing'
complete -c zsctl -n '__zsctl_using_verb set' -l reset -d 'reset the device first: DISCARDS ITS DATA and settings'
complete -c zsctl -n '__zsctl_using_verb set' -l cgroup -x -a '(__zsctl_cgroups)' -d "set a cgroup's zswap files (cgroup v2)"
complete -c zsctl -n '__zsctl_using_verb set; and __fish_seen_argument -l cgroup' -a 'memory.zswap.max= memory.zswap.writeback='
complete -c zsctl -n '__zsctl_using_verb set' -s w -l wait -x -d 'wait up to SECS for zsctl maintain to leave the device'
complete -c zsctl -n '__zsctl_using_verb set' -s q -l quiet -d 'print errors only'
complete -c zsctl -n '__zsctl_using_verb set' -s J -l json -d 'JSON output'
complete -c zsctl -n '__zsctl_using_verb set' -s h -l help -d 'display this help'
complete -c zsctl -n '__zsctl_using_verb set; and not __zsctl_has_device' -a '(__zsctl_devices)'
complete -c zsctl -n '__zsctl_using_verb set; and __zsctl_has_device' -a '(__zsctl_set_args)'

# add: options, then ATTR=VALUE (no device yet: any device's choices)
complete -c zsctl -n '__zsctl_using_verb add' -s s -l size -x -d 'its size (disksize=SIZE): 4G, 512M'
complete -c zsctl -n '__zsctl_using_verb add' -s a -l algorithm -x -a '(__zsctl_algorithms)' -d 'its compression algorithm'
complete -c zsctl -n '__zsctl_using_verb add' -s q -l quiet -d 'do not print the new device'
complete -c zsctl -n '__zsctl_using_verb add' -s J -l json -d 'JSON output'
complete -c zsctl -n '__zsctl_using_verb add' -s h -l help -d 'display this help'
complete -c zsctl -n '__zsctl_using_verb add' -a '(__zsctl_set_args)'

# remove: devices
complete -c zsctl -n '__zsctl_using_verb remove' -l dry-run -d 'check, and print what would be written; remove nothing'
complete -c zsctl -n '__zsctl_using_verb remove' -s w -l wait -x -d 'wait up to SECS for zsctl maintain to leave the device'
complete -c zsctl -n '__zsctl_using_verb remove' -s q -l quiet -d 'print errors and warnings only'
complete -c zsctl -n '__zsctl_using_verb remove' -s J -l json -d 'JSON output'
complete -c zsctl -n '__zsctl_using_verb remove' -s h -l help -d 'display this help'
complete -c zsctl -n '__zsctl_using_verb remove' -a '(__zsctl_devices)'

# dump: FILE, the archive to write
complete -c zsctl -n '__zsctl_using_verb dump' -s f -l force -d 'replace FILE if it exists'
complete -c zsctl -n '__zsctl_using_verb dump' -s q -l quiet -d 'print errors and warnings only'
complete -c zsctl -n '__zsctl_using_verb dump' -s h -l help -d 'display this help'
complete -c zsctl -n '__zsctl_using_verb dump' -F

# maintain
complete -c zsctl -n '__zsctl_using_verb maintain' -s p -l policy -x -a 'recompress= recompress-types= recompress-backoff= recompress-age-min= recompress-age-max= recompress-threshold= recompress-max-pages= writeback= writeback-types= writeback-backoff= writeback-age-min= writeback-age-max= writeback-min= writeback-max= writeback-daily= compact= compact-min-gain= compact-min-frag= compact-min-interval=' -d 'set a policy key for this run (over the files)'
complete -c zsctl -n '__zsctl_using_verb maintain' -s c -l config -r -F -d 'read only FILE'
complete -c zsctl -n '__zsctl_using_verb maintain' -s w -l wait -x -d 'wait up to SECS (fractions allowed) for the gate'
complete -c zsctl -n '__zsctl_using_verb maintain' -s E -l conflict-exit-code -x -d 'exit status when the gate is held (default 1)'
complete -c zsctl -n '__zsctl_using_verb maintain' -l dry-run -d 'say what would be done and why not; change nothing'
complete -c zsctl -n '__zsctl_using_verb maintain' -l lock-file -r -F -d 'the gate\'s lock file'
complete -c zsctl -n '__zsctl_using_verb maintain' -l state-file -r -F -d 'the state file'
complete -c zsctl -n '__zsctl_using_verb maintain' -s q -l quiet -d 'print errors only (for cron)'
complete -c zsctl -n '__zsctl_using_verb maintain' -s J -l json -d 'JSON output'
complete -c zsctl -n '__zsctl_using_verb maintain' -s h -l help -d 'display this help'
complete -c zsctl -n '__zsctl_using_verb maintain' -a '(__zsctl_devices)'
